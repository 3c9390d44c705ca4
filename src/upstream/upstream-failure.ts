/**
 * One place that turns anything an attempt can fail with into a breakwater error, so the
 * request phase, the error-body read and the streamed body all say the same thing.
 *
 * When the attempt's signal has aborted, its reason decides, because undici surfaces an abort as
 * whatever broke next (a destroyed body, a socket error): the deadline's `TimeoutError` gives
 * `deadline_exceeded`, any other reason from the caller gives `aborted` (see `toAbortError`).
 * Otherwise `classifyNetworkError` reads undici's codes, which name the timer that fired:
 * `UND_ERR_CONNECT_TIMEOUT` → connect, `UND_ERR_HEADERS_TIMEOUT` → first_byte,
 * `UND_ERR_BODY_TIMEOUT` → idle.
 */
import { toAbortError } from '../core/signals.ts';
import {
  type BreakwaterError,
  classifyNetworkError,
  type NetworkErrorContext,
} from '../errors/index.ts';

export function upstreamFailure(
  err: unknown,
  signal: AbortSignal | undefined,
  ctx: NetworkErrorContext,
): BreakwaterError {
  if (signal?.aborted) {
    return toAbortError(signal.reason, {
      provider: ctx.provider,
      model: ctx.model,
      requestId: ctx.requestId,
    });
  }
  return classifyNetworkError(err, ctx);
}
