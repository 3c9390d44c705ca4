/**
 * Reading an Anthropic Messages stream: SSE bytes in, typed events out, ending cleanly only at
 * `message_stop`. `event: error` after the 200 throws the classified error (`overloaded_error`
 * becomes code `overloaded`, retryable); bad JSON, a frame whose data `type` contradicts its
 * `event:` name, a buffer overflow, or bytes that end before `message_stop` throw
 * `malformed_response`, because the SDK's low-level stream would have taken a cut connection for
 * a clean finish.
 */
import { malformedResponse } from '../../errors/index.ts';
import { classifyStreamError } from '../classify.ts';
import type { DialectContext } from '../dialect-name.ts';
import { keepRawData } from '../raw-data.ts';
import {
  type ByteSource,
  decodeSse,
  isJsonObject,
  parseSseJson,
  SseBufferOverflowError,
  type SseDecodeOptions,
  type SseMessage,
} from '../sse.ts';
import type { AnthropicStreamEvent, AnthropicStreamEventType } from './types.ts';

export interface AnthropicStreamOptions extends DialectContext, SseDecodeOptions {
  /**
   * Drop `ping` events instead of yielding them. They are yielded by default so a passthrough
   * can forward them and keep idle-timeouts downstream from firing.
   * @default false
   */
  skipPing?: boolean;
  /**
   * Called, in stream order, with each frame whose event name is not one this version knows.
   * The docs say "new event types may be added": such frames are never an error, and since the
   * typed union cannot describe them they are handed here (to forward verbatim) instead of
   * being yielded. Without a handler they are dropped, as the SDK drops them.
   */
  onUnknownEvent?: (message: SseMessage) => void;
}

const KNOWN_EVENTS: ReadonlySet<string> = new Set<AnthropicStreamEventType>([
  'message_start',
  'content_block_start',
  'content_block_delta',
  'content_block_stop',
  'message_delta',
  'message_stop',
  'ping',
  'error',
]);

/**
 * Yields each event of an Anthropic stream, `message_stop` last, then returns. The event name
 * comes from the `event:` line, or from the data's `type` when a frame has none. Throws a
 * `BreakwaterError` (see above); errors of the byte source itself (a reset, an abort) pass through
 * unchanged for the caller to classify as network failures.
 */
export async function* parseAnthropicStream(
  source: ByteSource,
  options: AnthropicStreamOptions = {},
): AsyncGenerator<AnthropicStreamEvent, void> {
  const ctx = { provider: options.provider, model: options.model };
  let frame = 0;
  try {
    for await (const message of decodeSse(source, options)) {
      frame++;
      if (message.event !== undefined && !KNOWN_EVENTS.has(message.event)) {
        options.onUnknownEvent?.(message);
        continue;
      }
      if (message.data.trim() === '') continue;
      const json = parseSseJson(message.data);
      if (message.event === 'error') {
        throw classifyStreamError({
          dialect: 'anthropic',
          data: json.ok ? json.value : message.data,
          ...ctx,
        });
      }
      if (!json.ok) {
        throw malformedResponse(`stream frame ${frame} is not valid JSON`, {
          ...ctx,
          cause: json.error,
        });
      }
      const event = json.value;
      if (!isJsonObject(event) || typeof event.type !== 'string') {
        throw malformedResponse(`stream frame ${frame} is not an event object with a type`, ctx);
      }
      const name = message.event ?? event.type;
      if (name !== event.type) {
        throw malformedResponse(
          `stream frame ${frame} is named ${name} but carries a ${event.type} event`,
          ctx,
        );
      }
      if (name === 'error')
        throw classifyStreamError({ dialect: 'anthropic', data: event, ...ctx });
      if (!KNOWN_EVENTS.has(name)) {
        options.onUnknownEvent?.(message);
        continue;
      }
      if (name === 'ping' && options.skipPing) continue;
      yield keepRawData(event, message.data) as AnthropicStreamEvent;
      if (name === 'message_stop') return;
    }
  } catch (error) {
    if (error instanceof SseBufferOverflowError) {
      throw malformedResponse(error.message, { ...ctx, cause: error });
    }
    throw error;
  }
  throw malformedResponse(`stream ended before message_stop after ${frame} frames`, ctx);
}
