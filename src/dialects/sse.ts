/**
 * The shared server-sent-events decoder both dialects' stream readers sit on: bytes in (a fetch
 * body or any async iterable of chunks), `{ event?, data }` messages out, via eventsource-parser.
 * It knows nothing of either provider; terminators and error frames are the dialects' business.
 */
import { createParser, type ParseError } from 'eventsource-parser';

/** One dispatched SSE event. `event` is absent when the frame had no `event:` line. */
export interface SseMessage {
  event?: string;
  data: string;
}

/** A response body: a web `ReadableStream`, or any async iterable of byte (or text) chunks. */
export type ByteSource = ReadableStream<Uint8Array> | AsyncIterable<Uint8Array | string>;

export interface SseDecodeOptions {
  /**
   * The most characters one unfinished line or event may buffer before the stream is given up
   * as broken (then `decodeSse` throws an `SseBufferOverflowError`).
   * @default 16777216 (16 Mi characters)
   */
  maxBufferSize?: number;
}

const DEFAULT_SSE_MAX_BUFFER_SIZE = 16 * 1024 * 1024;

/** A single SSE line or event grew past `maxBufferSize`: the stream is not plausible SSE. */
export class SseBufferOverflowError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SseBufferOverflowError';
  }
}

// Duck-typed rather than `instanceof`, so a stream from another realm or polyfill still works.
function isReadableStream(source: ByteSource): source is ReadableStream<Uint8Array> {
  return typeof (source as ReadableStream<Uint8Array>).getReader === 'function';
}

async function* chunksOf(source: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = source.getReader();
  let done = false;
  try {
    for (;;) {
      const next = await reader.read();
      if (next.done) {
        done = true;
        return;
      }
      yield next.value;
    }
  } finally {
    // Stopped early (the consumer broke off or threw): let the connection go.
    if (!done) await reader.cancel().catch(() => {});
    reader.releaseLock();
  }
}

/**
 * Decodes an SSE byte stream into messages, however the bytes are split into chunks, with LF,
 * CR or CRLF line endings. Comments (`: keep-alive`) are dropped. As the SSE specification says,
 * an event still missing its blank line when the bytes end is discarded, not dispatched: a
 * stream cut there is incomplete, and the dialect readers report it as such. Errors of the
 * source (a reset connection, an abort) pass through unchanged.
 */
export async function* decodeSse(
  source: ByteSource,
  options: SseDecodeOptions = {},
): AsyncGenerator<SseMessage> {
  const pending: SseMessage[] = [];
  let overflow: ParseError | undefined;
  const parser = createParser({
    maxBufferSize: options.maxBufferSize ?? DEFAULT_SSE_MAX_BUFFER_SIZE,
    onEvent(message) {
      pending.push(
        message.event === undefined
          ? { data: message.data }
          : { event: message.event, data: message.data },
      );
    },
    onError(error) {
      if (error.type === 'max-buffer-size-exceeded') overflow = error;
    },
  });
  const decoder = new TextDecoder();

  const checkOverflow = () => {
    if (overflow) {
      throw new SseBufferOverflowError(`SSE stream buffered too much: ${overflow.message}`, {
        cause: overflow,
      });
    }
  };

  // An async iterable is read as it is; only a web ReadableStream needs the reader wrapper.
  // (Each generator between the socket and the caller costs a promise per chunk.)
  const chunks = isReadableStream(source) ? chunksOf(source) : source;
  for await (const chunk of chunks) {
    parser.feed(typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true }));
    checkOverflow();
    // Yielding hands control to the consumer, which may stop here; take each message first.
    for (let message = pending.shift(); message; message = pending.shift()) yield message;
  }
  const tail = decoder.decode();
  if (tail !== '') parser.feed(tail);
  checkOverflow();
  for (let message = pending.shift(); message; message = pending.shift()) yield message;
}

/** The JSON in a frame's `data`, or the reason it is not JSON. */
export type SseJson = { ok: true; value: unknown } | { ok: false; error: unknown };

export function parseSseJson(data: string): SseJson {
  try {
    return { ok: true, value: JSON.parse(data) };
  } catch (error) {
    return { ok: false, error };
  }
}

/** A JSON object (not null, not an array), as every provider's stream frame must be. */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
