/**
 * Folding an OpenAI stream's chunks into the `chat.completion` a non-streaming call would have
 * returned: content and refusal text joined per choice, tool calls merged by their `index`
 * (id, type and name from the first fragment, `arguments` concatenated), the finish reason, and
 * the usage chunk. The engine uses it to cache streamed answers and to translate them.
 */
import { malformedResponse } from '../../errors/index.ts';
import type { DialectContext } from '../dialect-name.ts';
import type {
  ChatCompletion,
  ChatCompletionChoice,
  ChatCompletionChunk,
  ChatCompletionMessage,
  ChatFinishReason,
  ChatToolCall,
  ChatToolCallDelta,
  OpenAIUsage,
} from './types.ts';

interface ToolCallState {
  id: string;
  type: 'function' | 'custom';
  name: string;
  /** `function.arguments` or `custom.input`, joined from fragments. */
  text: string;
}

interface ChoiceState {
  content: string | null;
  refusal: string | null;
  toolCalls: Map<number, ToolCallState>;
  functionCall: { name: string; arguments: string } | null;
  finishReason: ChatFinishReason | null;
  logprobs: { content: unknown[] | null; refusal: unknown[] | null } | null;
}

function appendLogprobs(state: ChoiceState, logprobs: unknown): void {
  if (typeof logprobs !== 'object' || logprobs === null) return;
  const parts = logprobs as { content?: unknown; refusal?: unknown };
  state.logprobs ??= { content: null, refusal: null };
  if (Array.isArray(parts.content)) {
    state.logprobs.content = [...(state.logprobs.content ?? []), ...parts.content];
  }
  if (Array.isArray(parts.refusal)) {
    state.logprobs.refusal = [...(state.logprobs.refusal ?? []), ...parts.refusal];
  }
}

function mergeToolCall(state: ChoiceState, delta: ChatToolCallDelta): void {
  let call = state.toolCalls.get(delta.index);
  if (!call) {
    call = { id: '', type: 'function', name: '', text: '' };
    state.toolCalls.set(delta.index, call);
  }
  if (delta.id) call.id = delta.id;
  if (delta.type) call.type = delta.type;
  else if (delta.custom) call.type = 'custom';
  const fragment = call.type === 'custom' ? delta.custom : delta.function;
  if (fragment?.name) call.name = fragment.name;
  const text = call.type === 'custom' ? delta.custom?.input : delta.function?.arguments;
  if (text) call.text += text;
}

function toToolCall(call: ToolCallState): ChatToolCall {
  return call.type === 'custom'
    ? { id: call.id, type: 'custom', custom: { name: call.name, input: call.text } }
    : { id: call.id, type: 'function', function: { name: call.name, arguments: call.text } };
}

/** Folds chunks, in stream order, into a `chat.completion`. */
export class ChatCompletionAccumulator {
  #context: DialectContext;
  #first: ChatCompletionChunk | undefined;
  #systemFingerprint: string | null | undefined;
  #serviceTier: string | null | undefined;
  #usage: OpenAIUsage | undefined;
  #choices = new Map<number, ChoiceState>();

  constructor(context: DialectContext = {}) {
    this.#context = context;
  }

  /** Adds the next chunk of the stream. */
  add(chunk: ChatCompletionChunk): void {
    this.#first ??= chunk;
    if (chunk.system_fingerprint !== undefined) this.#systemFingerprint = chunk.system_fingerprint;
    if (chunk.service_tier !== undefined) this.#serviceTier = chunk.service_tier;
    if (chunk.usage) this.#usage = chunk.usage;
    for (const choice of chunk.choices ?? []) {
      let state = this.#choices.get(choice.index);
      if (!state) {
        state = {
          content: null,
          refusal: null,
          toolCalls: new Map(),
          functionCall: null,
          finishReason: null,
          logprobs: null,
        };
        this.#choices.set(choice.index, state);
      }
      const delta = choice.delta ?? {};
      if (typeof delta.content === 'string') state.content = (state.content ?? '') + delta.content;
      if (typeof delta.refusal === 'string') state.refusal = (state.refusal ?? '') + delta.refusal;
      for (const call of delta.tool_calls ?? []) mergeToolCall(state, call);
      if (delta.function_call) {
        state.functionCall ??= { name: '', arguments: '' };
        if (delta.function_call.name) state.functionCall.name = delta.function_call.name;
        state.functionCall.arguments += delta.function_call.arguments ?? '';
      }
      if (choice.finish_reason) state.finishReason = choice.finish_reason;
      appendLogprobs(state, choice.logprobs);
    }
  }

  /**
   * The completion so far. After a whole stream it is what the non-streaming call returns; after
   * an interrupted one, a choice without a finish reason has `finish_reason: null`.
   * Throws `malformed_response` when no chunk was added.
   */
  toCompletion(): ChatCompletion {
    const first = this.#first;
    if (!first) throw malformedResponse('stream carried no chunks', this.#context);
    const choices: ChatCompletionChoice[] = [...this.#choices.entries()]
      .sort(([a], [b]) => a - b)
      .map(([index, state]) => {
        const message: ChatCompletionMessage = {
          role: 'assistant',
          content: state.content,
          refusal: state.refusal,
        };
        if (state.toolCalls.size > 0) {
          message.tool_calls = [...state.toolCalls.entries()]
            .sort(([a], [b]) => a - b)
            .map(([, call]) => toToolCall(call));
        }
        if (state.functionCall) message.function_call = state.functionCall;
        return { index, message, finish_reason: state.finishReason, logprobs: state.logprobs };
      });
    const completion: ChatCompletion = {
      id: first.id,
      object: 'chat.completion',
      created: first.created,
      model: first.model,
      choices,
    };
    if (this.#usage) completion.usage = this.#usage;
    if (this.#systemFingerprint !== undefined)
      completion.system_fingerprint = this.#systemFingerprint;
    if (this.#serviceTier !== undefined) completion.service_tier = this.#serviceTier;
    return completion;
  }
}
