/**
 * AbortSignal helpers. AbortSignal is the only way to cancel in breakwater (STYLE.md §9): the
 * caller's abort, a client disconnect, the request's deadline and per-attempt timers are each a
 * signal, and the work below them sees one combined signal.
 *
 * `linkSignals()` combines several signals into one that aborts with the FIRST input's reason;
 * once it has aborted, later aborts of other inputs change nothing. So "which one fired" is
 * answered by reading `signal.reason`, never by checking which inputs are aborted now. Pass the
 * inputs in priority order anyway (the caller, then the deadline): an input that has already
 * aborted when they are linked wins in argument order.
 *
 * It is written here rather than using `AbortSignal.any()` because the latter registers every
 * combined signal with WeakRefs and a FinalizationRegistry that are only cleared once the old
 * generation is collected: under load through the gateway the heap grew until a mark-compact
 * (figures: docs/gateway.md, "Why these parts are written by hand"). A link is two plain
 * listeners, removed by `unlink()` when the work they guard is over, so a long-lived input (an
 * application-wide shutdown signal) does not collect one listener per request.
 */
import { AbortedError, BreakwaterError, type ErrorContext } from '../errors/index.ts';

type MaybeSignal = AbortSignal | null | undefined;

export interface LinkedSignal {
  /** Aborts as soon as any input does, with that input's reason; undefined without inputs. */
  readonly signal: AbortSignal | undefined;
  /** Stops following the inputs. Idempotent; the signal keeps its state. */
  unlink(): void;
}

const NOTHING_TO_UNLINK = (): void => {};

/**
 * One signal following all of `signals`. No input gives no signal; a single input (or one that
 * has already aborted) is handed back as it is, so the common paths add no listener at all.
 * Call `unlink()` when the work that reads the signal is done.
 */
export function linkSignals(...signals: MaybeSignal[]): LinkedSignal {
  let only: AbortSignal | undefined;
  let count = 0;
  for (const s of signals) {
    if (!s) continue;
    if (s.aborted) return { signal: s, unlink: NOTHING_TO_UNLINK };
    only = s;
    count++;
  }
  if (count <= 1) return { signal: only, unlink: NOTHING_TO_UNLINK };
  const controller = new AbortController();
  const inputs: AbortSignal[] = [];
  for (const s of signals) if (s) inputs.push(s);
  const unlink = () => {
    for (const s of inputs) s.removeEventListener('abort', onAbort);
  };
  const onAbort = (event: Event): void => {
    unlink();
    controller.abort((event.target as AbortSignal).reason);
  };
  for (const s of inputs) s.addEventListener('abort', onAbort);
  return { signal: controller.signal, unlink };
}

/**
 * An abort reason → a breakwater error. A reason that already is one (a deadline's
 * `TimeoutError`, a policy's rejection) says what happened and passes through; anything else is
 * the caller cancelling: `AbortedError`.
 */
export function toAbortError(reason: unknown, ctx?: ErrorContext): BreakwaterError {
  if (reason instanceof BreakwaterError) return reason;
  return new AbortedError(reason, ctx);
}
