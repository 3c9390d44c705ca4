/**
 * Replaying a stored final answer as the stream a streaming client expects: OpenAI
 * `chat.completion.chunk`s (the caller appends `data: [DONE]`) or Anthropic stream events, which
 * fold back (with the dialects' accumulators) into the very answer that was stored.
 *
 * The replay keeps the answer's own `id`, `created` and `model`: it is the same answer, served
 * again, and a client correlating logs or feedback by id should find the original. That it came
 * from the cache is said out of band, by the caller (response headers), not by changing the body.
 *
 * Text is cut into word-aligned pieces of about `pieceChars` characters, so a client sees a
 * stream rather than one burst, at no real cost.
 */
import type {
  AnthropicMessage,
  AnthropicStreamEvent,
  ContentBlock,
} from '../dialects/anthropic/types.ts';
import type {
  ChatCompletion,
  ChatCompletionChoice,
  ChatCompletionChunk,
  ChatCompletionChunkChoice,
  ChatCompletionDelta,
  ChatToolCallDelta,
} from '../dialects/openai/types.ts';
import { anthropicFrame, OPENAI_DONE_FRAME, openAIFrame } from '../dialects/sse-encode.ts';
import type { CachedAnswer } from '../store/store.ts';

export interface ReplayOptions {
  /** OpenAI: end with a usage chunk (`choices: []`), as `stream_options.include_usage` asks. */
  includeUsage?: boolean;
  /** Rough length of each text piece. @default 32 */
  pieceChars?: number;
}

const DEFAULT_PIECE_CHARS = 32;

/**
 * `text` cut into pieces of at least `size` characters, each ending before whitespace when there
 * is some within another `size` characters (as tokens do), else after exactly `size` (compact
 * JSON), never inside a surrogate pair.
 * `[]` for `''`.
 */
export function splitText(text: string, size = DEFAULT_PIECE_CHARS): string[] {
  const step = Math.max(1, Math.floor(size));
  const pieces: string[] = [];
  let start = 0;
  while (start < text.length) {
    const min = Math.min(text.length, start + step);
    const limit = Math.min(text.length, min + step);
    let end = min;
    while (end < limit && !WHITESPACE.test(text.charAt(end))) end++;
    if (end === limit && end < text.length) end = min; // one long word: cut it at `size`
    const code = text.charCodeAt(end);
    if (code >= 0xdc00 && code <= 0xdfff) end++;
    pieces.push(text.slice(start, end));
    start = end;
  }
  return pieces;
}

const WHITESPACE = /\s/;

// ---- OpenAI --------------------------------------------------------------------------------

function isEmptyArray(value: unknown): boolean {
  return Array.isArray(value) && value.length === 0;
}

function choiceDeltas(choice: ChatCompletionChoice, size: number): ChatCompletionDelta[] {
  const { role: _role, content, refusal, tool_calls, function_call, ...rest } = choice.message;
  const deltas: ChatCompletionDelta[] = [
    { role: 'assistant', content: typeof content === 'string' ? '' : null },
  ];
  if (typeof content === 'string') {
    for (const piece of splitText(content, size)) deltas.push({ content: piece });
  }
  if (typeof refusal === 'string') {
    deltas.push({ refusal: '' });
    for (const piece of splitText(refusal, size)) deltas.push({ refusal: piece });
  }
  (tool_calls ?? []).forEach((call, index) => {
    const first: ChatToolCallDelta =
      call.type === 'custom'
        ? { index, id: call.id, type: 'custom', custom: { name: call.custom.name, input: '' } }
        : {
            index,
            id: call.id,
            type: 'function',
            function: { name: call.function.name, arguments: '' },
          };
    deltas.push({ tool_calls: [first] });
    const text = call.type === 'custom' ? call.custom.input : call.function.arguments;
    for (const piece of splitText(text, size)) {
      const fragment: ChatToolCallDelta =
        call.type === 'custom'
          ? { index, custom: { input: piece } }
          : { index, function: { arguments: piece } };
      deltas.push({ tool_calls: [fragment] });
    }
  });
  if (function_call) deltas.push({ function_call: { ...function_call } });
  // Fields the stream has no fragment form for (`annotations`, …) travel whole in one delta;
  // the empty `annotations: []` every completion carries is not worth a chunk.
  const extra = Object.entries(rest).filter(
    ([, value]) => value !== null && value !== undefined && !isEmptyArray(value),
  );
  if (extra.length > 0) deltas.push(Object.fromEntries(extra));
  return deltas;
}

/** The chunks of a stream that folds into `completion`. */
export function replayChatCompletion(
  completion: ChatCompletion,
  options: ReplayOptions = {},
): ChatCompletionChunk[] {
  const size = options.pieceChars ?? DEFAULT_PIECE_CHARS;
  const includeUsage = options.includeUsage === true;
  const envelope = (choices: ChatCompletionChunkChoice[]): ChatCompletionChunk => {
    const chunk: ChatCompletionChunk = {
      id: completion.id,
      object: 'chat.completion.chunk',
      created: completion.created,
      model: completion.model,
      choices,
    };
    if (completion.system_fingerprint !== undefined) {
      chunk.system_fingerprint = completion.system_fingerprint;
    }
    if (completion.service_tier !== undefined) chunk.service_tier = completion.service_tier;
    if (includeUsage) chunk.usage = null;
    return chunk;
  };
  const chunks: ChatCompletionChunk[] = [];
  for (const choice of completion.choices) {
    for (const delta of choiceDeltas(choice, size)) {
      chunks.push(envelope([{ index: choice.index, delta, logprobs: null, finish_reason: null }]));
    }
    chunks.push(
      envelope([
        {
          index: choice.index,
          delta: {},
          logprobs: choice.logprobs ?? null,
          finish_reason: choice.finish_reason,
        },
      ]),
    );
  }
  if (includeUsage && completion.usage) {
    chunks.push({ ...envelope([]), usage: completion.usage });
  }
  return chunks;
}

// ---- Anthropic -----------------------------------------------------------------------------

function blockEvents(block: ContentBlock, index: number, size: number): AnthropicStreamEvent[] {
  const events: AnthropicStreamEvent[] = [];
  const delta = (d: Extract<AnthropicStreamEvent, { type: 'content_block_delta' }>['delta']) =>
    events.push({ type: 'content_block_delta', index, delta: d });
  if (block.type === 'text') {
    const citations = block.citations;
    const start = Array.isArray(citations) && citations.length > 0 ? [] : citations;
    events.push({
      type: 'content_block_start',
      index,
      content_block: {
        ...block,
        text: '',
        ...(citations === undefined ? {} : { citations: start }),
      },
    });
    if (Array.isArray(citations) && citations.length > 0) {
      for (const citation of citations) delta({ type: 'citations_delta', citation });
    }
    for (const piece of splitText(block.text, size)) delta({ type: 'text_delta', text: piece });
  } else if (block.type === 'thinking') {
    events.push({
      type: 'content_block_start',
      index,
      content_block: { ...block, thinking: '', signature: '' },
    });
    for (const piece of splitText(block.thinking, size)) {
      delta({ type: 'thinking_delta', thinking: piece });
    }
    delta({ type: 'signature_delta', signature: block.signature });
  } else if (block.type === 'tool_use' || block.type === 'server_tool_use') {
    events.push({ type: 'content_block_start', index, content_block: { ...block, input: {} } });
    for (const piece of splitText(JSON.stringify(block.input ?? {}), size)) {
      delta({ type: 'input_json_delta', partial_json: piece });
    }
  } else {
    // redacted_thinking, tool results and blocks added later arrive whole at their start.
    events.push({ type: 'content_block_start', index, content_block: block });
  }
  events.push({ type: 'content_block_stop', index });
  return events;
}

/** The events of a stream that folds into `message`. */
export function replayMessage(
  message: AnthropicMessage,
  options: ReplayOptions = {},
): AnthropicStreamEvent[] {
  const size = options.pieceChars ?? DEFAULT_PIECE_CHARS;
  const { stop_reason, stop_sequence, usage, content } = message;
  const events: AnthropicStreamEvent[] = [
    {
      type: 'message_start',
      message: {
        ...message,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { ...usage, output_tokens: 0 },
      },
    },
  ];
  content.forEach((block, index) => {
    events.push(...blockEvents(block, index, size));
  });
  events.push(
    { type: 'message_delta', delta: { stop_reason, stop_sequence }, usage: { ...usage } },
    { type: 'message_stop' },
  );
  return events;
}

export type ReplayedStream =
  | { dialect: 'openai'; events: ChatCompletionChunk[] }
  | { dialect: 'anthropic'; events: AnthropicStreamEvent[] };

/** The stream events of a cached answer, in its own dialect. */
export function replay(answer: CachedAnswer, options: ReplayOptions = {}): ReplayedStream {
  return answer.dialect === 'openai'
    ? { dialect: 'openai', events: replayChatCompletion(answer.response, options) }
    : { dialect: 'anthropic', events: replayMessage(answer.response, options) };
}

/** The replay as server-sent-event frames, ready to write; OpenAI's ends with `data: [DONE]`. */
export function replayFrames(answer: CachedAnswer, options: ReplayOptions = {}): string[] {
  const stream = replay(answer, options);
  return stream.dialect === 'openai'
    ? [...stream.events.map(openAIFrame), OPENAI_DONE_FRAME]
    : stream.events.map(anthropicFrame);
}
