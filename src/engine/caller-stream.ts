/**
 * The stream the caller reads, after the commit point: the target's events (already read up to
 * the first content, then the rest), translated into the caller's dialect when they differ,
 * framed as SSE, and closed with the dialect's terminator. A failure after the commit cannot be
 * retried any more, so it ends the stream with a well-formed error frame in the caller's dialect
 * — never a hang, never a stream that just stops. However the stream ends — complete, failed,
 * or abandoned by the caller, even before its first read — the upstream stream is closed (its
 * socket destroyed) and `onEnd` runs exactly once with the usage the target reported.
 *
 * Nothing pins an upstream connection or a limiter lease forever (`lifetime`): a caller that has
 * not come back for the next frame within `idleMs` has stopped reading, and a stream may last
 * `maxStreamMs` at most. Either cuts it: the upstream read is cancelled at once (its socket
 * destroyed), `onEnd` runs with the reason (`cut`), and a caller still reading gets an error
 * frame. One timer watches both for the stream's whole life, re-armed only when it fires: a
 * frame costs a clock read, not a timer.
 */
import type { Clock } from '../core/clock.ts';
import type { UsageTracker } from '../dialects/dialect.ts';
import type { DialectContext } from '../dialects/dialect-name.ts';
import type { Usage } from '../dialects/usage.ts';
import {
  AbortedError,
  type BreakwaterError,
  classifyNetworkError,
  RejectedError,
} from '../errors/index.ts';
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
  /** The stream was cut: the caller stopped reading (`idle`), or it lasted too long (`lifetime`). */
  cut?: 'idle' | 'lifetime';
}

/** How long a stream may live, and what to cancel when it may not any more. */
interface StreamLifetime {
  clock: Clock;
  /** The longest the caller may take to come back for the next frame. */
  idleMs: number;
  /** The longest the stream may last from its commit point. */
  maxStreamMs: number;
  /** The upstream answer: its read in progress is cancelled when the stream is cut. */
  upstream?: { cancel(reason: Error): void };
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
  /** Bounds the stream's life; without it, only the upstream's own idle timer does. */
  lifetime?: StreamLifetime;
}

export function callerStream(options: CallerStreamOptions): AsyncIterable<Uint8Array> {
  const { opened, caller, translator, dropUsageOnly, ctx, usage } = options;
  const acc = options.onComplete ? caller.accumulator(ctx) : undefined;
  let finished = opened.done;
  let ended = false;
  let error: BreakwaterError | undefined;
  let cut: StreamEnd['cut'];
  const lifetime = options.lifetime;
  /** When the last frame went to the caller, while it has not come back for the next; else -1. */
  let waitingSince = -1;
  let stopWatch: (() => void) | undefined;

  const end = async () => {
    if (ended) return;
    ended = true;
    stopWatch?.();
    if (!finished) await opened.rest.return?.().catch(() => undefined);
    const end: StreamEnd = {
      usage: usage.usage,
      error,
      abandoned: !finished && !error,
      stopReason: usage.stopReason,
    };
    if (cut) end.cut = cut;
    options.onEnd(end);
  };

  if (lifetime) {
    const { clock, idleMs, maxStreamMs } = lifetime;
    const cutAt = clock.now() + maxStreamMs;
    const stop = (why: 'idle' | 'lifetime', reason: BreakwaterError) => {
      cut = why;
      error = reason;
      lifetime.upstream?.cancel(reason);
      // A caller that is not reading will not bring the generator to its `finally`: end here.
      // One that is waiting for a frame gets the error frame from the cancelled read.
      if (waitingSince >= 0) void end();
    };
    const check = () => {
      stopWatch = undefined;
      if (ended) return;
      const now = clock.now();
      if (now >= cutAt) return stop('lifetime', tooLong(maxStreamMs));
      if (waitingSince >= 0 && now - waitingSince >= idleMs)
        return stop('idle', notReading(idleMs));
      const idleAt = waitingSince >= 0 ? waitingSince + idleMs : now + idleMs;
      stopWatch = clock.timer(Math.min(idleAt, cutAt) - now, check);
    };
    stopWatch = clock.timer(Math.min(idleMs, maxStreamMs), check);
  }
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
      if (head !== '') {
        waitingSince = lifetime ? lifetime.clock.now() : -1;
        yield utf8(head);
      }
      while (!finished) {
        if (cut) throw error;
        const read = await opened.rest.next();
        if (read.done) {
          finished = true;
          break;
        }
        const text = next(read.value);
        if (text !== '') {
          if (lifetime) waitingSince = lifetime.clock.now();
          yield utf8(text);
        }
      }
      if (cut) throw error;
      let tail = translator ? emit(translator.end()) : '';
      const answer = acc?.result();
      if (caller.streamEnd) tail += caller.streamEnd;
      if (tail !== '') yield utf8(tail);
      if (acc) options.onComplete?.(answer);
    } catch (err) {
      const failure = cut && error ? error : classifyNetworkError(err, ctx);
      error = failure;
      finished = true;
      // The caller already has content: end its stream the way the provider would.
      yield utf8(caller.errorFrame(failure));
    } finally {
      await end();
    }
  }

  return {
    [Symbol.asyncIterator]() {
      const inner = frames();
      return {
        next: () => {
          waitingSince = -1;
          return inner.next();
        },
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

function notReading(idleMs: number): BreakwaterError {
  return new AbortedError(
    `the caller stopped reading the stream for ${idleMs} ms (timeouts.idleMs): cut, upstream closed`,
  );
}

function tooLong(maxStreamMs: number): BreakwaterError {
  return new RejectedError(
    'deadline_exceeded',
    `the stream reached its longest allowed life of ${maxStreamMs} ms (timeouts.maxStreamMs): cut, upstream closed`,
  );
}
