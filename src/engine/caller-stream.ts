/**
 * The stream the caller reads, after the commit point: the target's events (already read up to
 * the first content, then the rest), translated into the caller's dialect when they differ,
 * framed as SSE, and closed with the dialect's terminator. A failure after the commit cannot be
 * retried any more, so it ends the stream with a well-formed error frame in the caller's dialect
 * — never a hang, never a stream that just stops. Leaving early (the client went away) closes
 * the upstream stream, which destroys its socket.
 */
import type { DialectContext } from '../dialects/dialect-name.ts';
import { type BreakwaterError, classifyNetworkError } from '../errors/index.ts';
import type { AnyDialect, EventTranslator } from './bridge.ts';
import type { OpenedStream } from './stream-commit.ts';

const encoder = new TextEncoder();

export interface CallerStreamOptions {
  opened: OpenedStream<unknown>;
  caller: AnyDialect;
  /** Turns target events into caller events; absent when both speak the same dialect. */
  translator: EventTranslator | undefined;
  /** Drop usage-only chunks the caller did not ask for (breakwater asked for them). */
  dropUsageOnly: boolean;
  ctx: DialectContext;
  /** The whole answer, as the caller's dialect folds it, once the stream ended cleanly. */
  onComplete?: (answer: unknown) => void;
  /** The stream failed after the commit point. */
  onError?: (error: BreakwaterError) => void;
  /** Runs once, however the stream ends (complete, failed, or abandoned by the caller). */
  onClose?: () => void;
}

export async function* callerStream(options: CallerStreamOptions): AsyncGenerator<Uint8Array> {
  const { opened, caller, translator, dropUsageOnly, ctx } = options;
  const acc = options.onComplete ? caller.accumulator(ctx) : undefined;
  let finished = opened.done;
  const emit = (events: unknown[]): Uint8Array | undefined => {
    let text = '';
    for (const event of events) {
      if (dropUsageOnly && caller.isUsageOnly(event)) continue;
      acc?.add(event);
      text += caller.frame(event);
    }
    return text === '' ? undefined : encoder.encode(text);
  };
  const convert = (event: unknown): unknown[] => (translator ? translator.push(event) : [event]);
  try {
    for (const event of opened.head) {
      const bytes = emit(convert(event));
      if (bytes) yield bytes;
    }
    while (!finished) {
      const next = await opened.rest.next();
      if (next.done) {
        finished = true;
        break;
      }
      const bytes = emit(convert(next.value));
      if (bytes) yield bytes;
    }
    if (translator) {
      const bytes = emit(translator.end());
      if (bytes) yield bytes;
    }
    const answer = acc?.result();
    if (caller.streamEnd) yield encoder.encode(caller.streamEnd);
    if (acc) options.onComplete?.(answer);
  } catch (err) {
    const error = classifyNetworkError(err, ctx);
    options.onError?.(error);
    // The caller already has content: end its stream the way the provider would.
    yield encoder.encode(caller.errorFrame(error));
  } finally {
    if (!finished) await opened.rest.return?.().catch(() => undefined);
    options.onClose?.();
  }
}
