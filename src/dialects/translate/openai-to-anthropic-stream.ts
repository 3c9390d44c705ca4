/**
 * OpenAI chat.completion.chunk objects → an Anthropic Messages stream, for an Anthropic-dialect
 * caller streaming from a GPT tier. Blocks get contiguous indexes from 0, and every block that
 * starts also stops, so the SDK's accumulator builds the right `content`.
 *
 * - the first chunk → `message_start` (id `msg_` + the completion id's suffix; `input_tokens`
 *   is the caller's estimate or 0, as OpenAI reports usage only at the end).
 * - `content` (and `refusal`, which also turns `end_turn` into `refusal`) → a text block:
 *   `content_block_start` when the previous block was not text, then `text_delta`s.
 * - a tool call's first delta → `content_block_stop` of the open block, `content_block_start`
 *   of a `tool_use` (`input: {}`); its argument fragments → `input_json_delta`s, verbatim (a
 *   native Anthropic stream is partial JSON too; the arguments are not buffered to check them).
 *   OpenAI sends each call's fragments together; a call that resumes after another block
 *   started cannot become contiguous blocks and throws `malformed_response`.
 * - `finish_reason` → `content_block_stop` of the open block; `message_delta` (stop reason from
 *   stop-reason.ts, the full usage) and `message_stop` follow as soon as the usage is known:
 *   with the finish when the chunk carries it, at the `include_usage` chunk, or at `end()` (the
 *   source's `[DONE]`) with zero output tokens when OpenAI never sent usage.
 * - choices other than index 0 and `custom` tool calls are ignored (there is no counterpart).
 */
import { malformedResponse } from '../../errors/index.ts';
import type { AnthropicStreamEvent } from '../anthropic/types.ts';
import { toAnthropicUsage } from '../anthropic/usage.ts';
import type { ChatCompletionChunk, ChatFinishReason, ChatToolCallDelta } from '../openai/types.ts';
import { fromOpenAIUsage } from '../openai/usage.ts';
import { emptyUsage, type Usage } from '../usage.ts';
import { toAnthropicMessageId } from './ids.ts';
import { toStopReason } from './stop-reason.ts';
import type { StreamTranslator } from './stream-translator.ts';

export interface OpenAIToAnthropicStreamOptions {
  /** The model name to report, e.g. the route the caller asked for. @default the chunks' model */
  model?: string;
  /** The prompt's estimated tokens, for `message_start.usage.input_tokens`. @default 0 */
  inputTokens?: number;
}

type OpenBlock = { kind: 'text'; index: number } | { kind: 'tool'; index: number; call: number };

export class OpenAIToAnthropicStream
  implements StreamTranslator<ChatCompletionChunk, AnthropicStreamEvent>
{
  readonly #inputTokens: number;
  #model: string | undefined;
  #id = '';
  #started = false;
  #complete = false;
  #nextIndex = 0;
  #open: OpenBlock | undefined;
  /** OpenAI tool call index → Anthropic block index. */
  readonly #toolBlocks = new Map<number, number>();
  #finish: ChatFinishReason | undefined;
  #refused = false;
  #usage: Usage | undefined;

  constructor(options: OpenAIToAnthropicStreamOptions = {}) {
    this.#model = options.model;
    this.#inputTokens = options.inputTokens ?? 0;
  }

  get complete(): boolean {
    return this.#complete;
  }

  get usage(): Usage {
    return this.#usage ?? emptyUsage();
  }

  push(chunk: ChatCompletionChunk): AnthropicStreamEvent[] {
    if (this.#complete) return [];
    const out: AnthropicStreamEvent[] = [];
    if (!this.#started) this.#start(chunk, out);
    if (chunk.usage) this.#usage = fromOpenAIUsage(chunk.usage);
    for (const choice of chunk.choices) {
      if (choice.index !== 0) continue;
      const { delta } = choice;
      if (typeof delta.content === 'string' && delta.content !== '') this.#text(delta.content, out);
      if (typeof delta.refusal === 'string' && delta.refusal !== '') {
        this.#refused = true;
        this.#text(delta.refusal, out);
      }
      for (const call of delta.tool_calls ?? []) this.#toolCall(call, out);
      if (choice.finish_reason && this.#finish === undefined) {
        this.#finish = choice.finish_reason;
        this.#close(out);
      }
    }
    if (this.#finish !== undefined && this.#usage) this.#stop(out);
    return out;
  }

  /** The source ended cleanly (`[DONE]`): finishes a stream that saw its finish reason. */
  end(): AnthropicStreamEvent[] {
    const out: AnthropicStreamEvent[] = [];
    if (!this.#complete && this.#finish !== undefined) this.#stop(out);
    return out;
  }

  #start(chunk: ChatCompletionChunk, out: AnthropicStreamEvent[]): void {
    this.#started = true;
    this.#id = toAnthropicMessageId(chunk.id);
    this.#model ??= chunk.model;
    out.push({
      type: 'message_start',
      message: {
        id: this.#id,
        type: 'message',
        role: 'assistant',
        model: this.#model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { input_tokens: this.#inputTokens, output_tokens: 0 },
      },
    });
  }

  #text(text: string, out: AnthropicStreamEvent[]): void {
    if (this.#open?.kind !== 'text') {
      this.#close(out);
      const index = this.#nextIndex++;
      this.#open = { kind: 'text', index };
      out.push({ type: 'content_block_start', index, content_block: { type: 'text', text: '' } });
    }
    const index = this.#open.index;
    out.push({ type: 'content_block_delta', index, delta: { type: 'text_delta', text } });
  }

  #toolCall(call: ChatToolCallDelta, out: AnthropicStreamEvent[]): void {
    if (call.type === 'custom' || (call.custom !== undefined && call.function === undefined))
      return;
    let open = this.#open;
    if (!this.#toolBlocks.has(call.index)) {
      this.#close(out);
      const index = this.#nextIndex++;
      this.#toolBlocks.set(call.index, index);
      open = this.#open = { kind: 'tool', index, call: call.index };
      const id = call.id ?? `toolu_${this.#id.slice(4)}_${call.index}`;
      const name = call.function?.name ?? '';
      out.push({
        type: 'content_block_start',
        index,
        content_block: { type: 'tool_use', id, name, input: {} },
      });
    } else if (open?.kind !== 'tool' || open.call !== call.index) {
      throw malformedResponse(
        `tool call ${call.index} resumed after another content block started; Anthropic blocks must be contiguous`,
      );
    }
    const fragment = call.function?.arguments;
    if (open && fragment) {
      out.push({
        type: 'content_block_delta',
        index: open.index,
        delta: { type: 'input_json_delta', partial_json: fragment },
      });
    }
  }

  #close(out: AnthropicStreamEvent[]): void {
    if (!this.#open) return;
    out.push({ type: 'content_block_stop', index: this.#open.index });
    this.#open = undefined;
  }

  #stop(out: AnthropicStreamEvent[]): void {
    this.#close(out);
    this.#complete = true;
    const stop = toStopReason(this.#finish);
    const usage = toAnthropicUsage(
      this.#usage ?? { ...emptyUsage(), inputTokens: this.#inputTokens },
    );
    out.push({
      type: 'message_delta',
      delta: {
        stop_reason: this.#refused && stop === 'end_turn' ? 'refusal' : stop,
        stop_sequence: null,
      },
      usage,
    });
    out.push({ type: 'message_stop' });
  }
}
