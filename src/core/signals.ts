/**
 * AbortSignal helpers. AbortSignal is the only way to cancel in breakwater (STYLE.md §9): the
 * caller's abort, a client disconnect, the request's deadline and per-attempt timers are each a
 * signal, and the work below them sees one combined signal.
 *
 * `anySignal()` is `AbortSignal.any()` with the empty and single cases kept cheap. It keeps the
 * FIRST reason: once one input aborts, the combined signal is aborted with that input's reason and
 * later aborts of other inputs change nothing. So "which one fired" is answered by reading
 * `combined.reason`, never by checking which inputs are aborted now.
 *
 * One Node 24 subtlety: a combined signal that nobody listens to is evaluated lazily, and when it
 * is finally read after several inputs have aborted it reports the first aborted input in
 * ARGUMENT order, not in time order. Anything that waits on the signal (undici for the life of a
 * request, `clock.sleep`, `raceAbort`) adds a listener, which makes it eager and first-in-time.
 * Pass the inputs in priority order anyway: the caller, then the deadline, then per-try timers.
 */
import { AbortedError, BreakwaterError, type ErrorContext } from '../errors/index.ts';

type MaybeSignal = AbortSignal | null | undefined;

/**
 * One signal that aborts as soon as any of `signals` does, with that signal's reason (the first
 * reason wins). Gives `undefined` when no signal was given, and the signal itself when only one
 * was, so the common paths add no listener at all.
 */
export function anySignal(...signals: MaybeSignal[]): AbortSignal | undefined {
  let only: AbortSignal | undefined;
  let count = 0;
  for (const s of signals) {
    if (!s) continue;
    // An input that already fired decides the outcome; AbortSignal.any would pick it too.
    if (s.aborted) return s;
    only = s;
    count++;
  }
  if (count <= 1) return only;
  return AbortSignal.any(signals.filter((s): s is AbortSignal => !!s));
}

/** The reason a signal aborted with, or a DOMException `AbortError` when it gave none. */
export function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('This operation was aborted', 'AbortError');
}

/** Throws the signal's reason when it has aborted; does nothing for no signal. */
export function throwIfAborted(signal: MaybeSignal): void {
  if (signal?.aborted) throw abortReason(signal);
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

/** Throws `toAbortError(reason)` when the signal has aborted. */
export function throwIfAbortedAsError(signal: MaybeSignal, ctx?: ErrorContext): void {
  if (signal?.aborted) throw toAbortError(signal.reason, ctx);
}

/**
 * Settles like `promise`, or rejects with the signal's reason the moment it aborts, whichever
 * comes first. The listener is removed either way. The losing promise is not cancelled (abort the
 * work it stands for through the same signal) and its later rejection is swallowed.
 */
export function raceAbort<T>(promise: Promise<T>, signal: MaybeSignal): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) {
    promise.catch(() => {});
    return Promise.reject(abortReason(signal));
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      promise.catch(() => {});
      reject(abortReason(signal));
    };
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}
