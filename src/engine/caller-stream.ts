/**
 * The stream the caller reads, after the commit point: the target's events (already read up to
 * the first content, then the rest), translated into the caller's dialect when they differ,
 * framed as SSE, and closed with the dialect's terminator. A failure after the commit cannot be
 * retried any more, so it ends the stream with a well-formed error frame in the caller's dialect
 * — never a hang, never a stream that just stops. However the stream ends — complete, failed,
 * or abandoned by the caller, even before its first read — the upstream stream is closed (its
 * socket destroyed) and `onEnd` runs exactly once with the usage the target reported.
 */
import type { UsageTracker } from '../dialects/dialect.ts';
import type { DialectContext } from '../dialects/dialect-name.ts';
import type { Usage } from '../dialects/usage.ts';
import { type BreakwaterError, classifyNetworkError } from '../errors/index.ts';
import type { AnyDialect, EventTranslator } from './bridge.ts';
import type { OpenedStream } from './stream-commit.ts';

/**
 * A frame's UTF-8 bytes. `Buffer.from` rather than `TextEncoder.encode`: for a frame of a few
 * hundred bytes it is several times faster (docs/gateway.md), because it slices Node's shared
 * 8 KiB pool instead of giving each frame an ArrayBuffer of its own, which the collector must
 * also track. The bytes are a view into that pool (a Buffer is a Uint8Array): read them, don't
 * take their `.buffer`.
 */
function utf8(text: string): Uint8Array {
  return Buffer.from(text, 'utf8');
}

export interface StreamEnd {
  /** What the target reported; undefined when the stream ended before its usage came. */
  usage: Usage | undefined;
  /** Set when the stream failed after the commit point. */
  error?: BreakwaterError;
  /** The caller left before the end. */
  abandoned: boolean;
  /** The target's stop reason, when the stream gave one. */
  stopReason?: string;
}

export interface CallerStreamOptions {
  opened: OpenedStream<unknown>;
  caller: AnyDialect;
  /** Follows the target's own usage figures, before any translation. */
  usage: UsageTracker<unknown>;
  /** Turns target events into caller events; absent when both speak the same dialect. */
  translator: EventTranslator | undefined;
  /** Drop usage-only chunks the caller did not ask for (breakwater asked for them). */
  dropUsageOnly: boolean;
  ctx: DialectContext;
  /** The whole answer as the caller's dialect folds it, once the stream ended cleanly. */
  onComplete?: (answer: unknown) => void;
  /** Runs exactly once, however the stream ends. */
  onEnd: (end: StreamEnd) => void;
}

export function callerStream(options: CallerStreamOptions): AsyncIterable<Uint8Array> {
  const { opened, caller, translator, dropUsageOnly, ctx, usage } = options;
  const acc = options.onComplete ? caller.accumulator(ctx) : undefined;
  let finished = opened.done;
  let ended = false;
  let error: BreakwaterError | undefined;

  const end = async () => {
    if (ended) return;
    ended = true;
    if (!finished) await opened.rest.return?.().catch(() => undefined);
    options.onEnd({
      usage: usage.usage,
      error,
      abandoned: !finished && !error,
      stopReason: usage.stopReason,
    });
  };
  /** One caller event, framed; '' when it is dropped (a usage-only chunk nobody asked for). */
  const frameOne = (event: unknown): string => {
    if (dropUsageOnly && caller.isUsageOnly(event)) return '';
    acc?.add(event);
    return caller.frame(event);
  };
  /** Caller events, framed; '' when none gives a frame. */
  const emit = (events: unknown[]): string => {
    let text = '';
    for (const event of events) text += frameOne(event);
    return text;
  };
  /** One target event, in the caller's dialect and framed; '' when it yields no frame. */
  const next = (event: unknown): string => {
    usage.add(event);
    // Same dialect: one event in, at most one frame out, without a list around it.
    return translator ? emit(translator.push(event)) : frameOne(event);
  };

  async function* frames(): AsyncGenerator<Uint8Array> {
    try {
      // The events up to the first content come as one chunk, so that content can be sent at
      // once, without waiting for whatever else arrived with it.
      let head = '';
      for (const event of opened.head) head += next(event);
      if (head !== '') yield utf8(head);
      while (!finished) {
        const read = await opened.rest.next();
        if (read.done) {
          finished = true;
          break;
        }
        const text = next(read.value);
        if (text !== '') yield utf8(text);
      }
      let tail = translator ? emit(translator.end()) : '';
      const answer = acc?.result();
      if (caller.streamEnd) tail += caller.streamEnd;
      if (tail !== '') yield utf8(tail);
      if (acc) options.onComplete?.(answer);
    } catch (err) {
      error = classifyNetworkError(err, ctx);
      finished = true;
      // The caller already has content: end its stream the way the provider would.
      yield utf8(caller.errorFrame(error));
    } finally {
      await end();
    }
  }

  return {
    [Symbol.asyncIterator]() {
      const inner = frames();
      return {
        next: () => inner.next(),
        // A generator that never started skips its `finally`; close upstream here as well.
        return: async (value?: unknown) => {
          await inner.return(undefined);
          await end();
          return { done: true, value };
        },
        throw: async (err?: unknown) => {
          await end();
          return inner.throw(err);
        },
      };
    },
  };
}
