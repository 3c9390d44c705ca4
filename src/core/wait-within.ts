/**
 * Waiting on someone else's work — another call's answer, a shared upstream call — without
 * outliving one's own deadline or ignoring one's own caller. The work itself is not cancelled
 * (others may still want it); only this wait ends, with the deadline's `deadline_exceeded` or
 * the caller's `aborted`.
 */
import type { Deadline } from './deadline.ts';
import { toAbortError } from './signals.ts';

export function waitWithin<T>(
  work: Promise<T>,
  deadline: Deadline,
  signal: AbortSignal | undefined,
): Promise<T> {
  if (signal?.aborted) return Promise.reject(toAbortError(signal.reason));
  if (deadline.expired) return Promise.reject(deadline.error);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      stop();
      reject(toAbortError(signal!.reason));
    };
    const unexpire = deadline.onExpire(() => {
      stop();
      reject(deadline.error);
    });
    const stop = () => {
      unexpire();
      signal?.removeEventListener('abort', onAbort);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        stop();
        resolve(value);
      },
      (err: unknown) => {
        stop();
        reject(err);
      },
    );
  });
}
