/**
 * Event objects → server-sent-event frames, as each provider writes them: OpenAI frames are
 * `data: {json}\n\n` ending with `data: [DONE]\n\n`; Anthropic frames are
 * `event: <type>\ndata: {json}\n\n`, and always carry the `event:` line, because the Anthropic
 * SDK silently drops a frame without one (provider-wire.md §4). JSON never contains a raw line
 * break, so each frame has exactly one `data:` line.
 *
 * This is on the hot path of every translated stream: the constant pieces (the terminator, the
 * `event:` prefix of every known event type) are built once, and a frame costs one
 * `JSON.stringify` and one concatenation (plus one encode for the byte forms). An event read from
 * a provider's stream keeps the text it came as (raw-data.ts) and is framed from that, unchanged.
 */
import type { AnthropicErrorBody, AnthropicStreamEvent } from './anthropic/types.ts';
import type { ChatCompletionChunk, OpenAIErrorBody } from './openai/types.ts';
import { rawDataOf } from './raw-data.ts';

/** The OpenAI stream terminator. */
export const OPENAI_DONE_FRAME = 'data: [DONE]\n\n';

const DATA_PREFIX = 'data: ';
const FRAME_END = '\n\n';

const ANTHROPIC_PREFIXES: ReadonlyMap<string, string> = new Map(
  [
    'message_start',
    'content_block_start',
    'content_block_delta',
    'content_block_stop',
    'message_delta',
    'message_stop',
    'ping',
    'error',
  ].map((type) => [type, `event: ${type}\ndata: `]),
);

const LINE_BREAK = /[\r\n]/;

/** `event: <type>\ndata: ` for any event type; a type with a line break would forge frames. */
function anthropicPrefix(type: string): string {
  const known = ANTHROPIC_PREFIXES.get(type);
  if (known !== undefined) return known;
  if (type === '' || LINE_BREAK.test(type)) {
    throw new TypeError(
      `Expected an Anthropic event type without line breaks, got ${JSON.stringify(type)}`,
    );
  }
  return `event: ${type}\ndata: `;
}

/** One OpenAI frame: a chunk, or a mid-stream error body (`{error: {...}}`). */
export function openAIFrame(chunk: ChatCompletionChunk | OpenAIErrorBody): string {
  return DATA_PREFIX + (rawDataOf(chunk) ?? JSON.stringify(chunk)) + FRAME_END;
}

/** One Anthropic frame, named after the event's `type` (a mid-stream error is `type: 'error'`). */
export function anthropicFrame(event: AnthropicStreamEvent | AnthropicErrorBody): string {
  return anthropicPrefix(event.type) + (rawDataOf(event) ?? JSON.stringify(event)) + FRAME_END;
}
