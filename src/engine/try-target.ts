/**
 * One target of a route: the caller's request put into the target's dialect once (a target that
 * cannot take it is skipped), then attempts under the route's retry policy for that target, each
 * behind the target's breaker. The answer of the first attempt that delivers, or the last error.
 */
import type { ResolvedTarget } from '../config/config-types.ts';
import { failure, type Outcome } from '../core/outcome.ts';
import { BreakwaterError } from '../errors/index.ts';
import { type AttemptDeps, attempt, type Delivered } from './attempt.ts';
import type { createBridges } from './bridge.ts';
import { retryScheduled } from './observe.ts';
import type { RetryPolicies } from './retry-policies.ts';
import { type Run, skipped } from './run.ts';

/** What trying a target works with, the same for every call. */
export interface TargetDeps extends AttemptDeps {
  bridge: ReturnType<typeof createBridges>;
  retries: RetryPolicies;
}

/**
 * What trying a target came to; `ejected` when its breaker turned the call away — at once, or
 * after a failure that opened it cut the retries short — so panic mode may still try it.
 */
export type TargetOutcome = Outcome<Delivered> & { readonly ejected?: true };

/**
 * `last`: no target comes after this one, so its final attempt gets the full first-byte limit.
 * `panic`: the route is out of options and this target is tried past its open breaker (panic.ts).
 */
export async function tryTarget(
  deps: TargetDeps,
  run: Run,
  target: ResolvedTarget,
  tier: number,
  last: boolean,
  panic = false,
): Promise<TargetOutcome> {
  const policy = run.route.policy;
  const state = deps.targets.get(target, policy);
  const bridge = deps.bridge(run.dialect, target.provider.dialect);
  let upstream: Record<string, unknown>;
  let body: string;
  try {
    upstream = bridge.request(run.request, target.model, run.defaultMaxTokens).request;
    body = JSON.stringify(upstream);
  } catch (err) {
    // This target cannot take the request as it is (e.g. n > 1 for a Claude model): try the next.
    const error = cannotTake(err, target);
    deps.record(run, skipped(target.id, tier, error.code), error);
    return failure(error);
  }
  const retry = deps.retries.get(run.route, state);
  const result = await retry.execute(
    ({ attempt: n }) =>
      attempt(deps, run, {
        state,
        bridge,
        upstream,
        body,
        tier,
        attempt: n,
        final: last && n === retry.maxAttempts - 1,
        panic,
      }),
    {
      remainingMs: () => run.deadline.remainingMs(),
      signal: run.options.signal,
      // A failure that opened the breaker: the next attempt would be skipped, so move on now.
      // In panic mode the breaker is open already and does not decide.
      canRetry: panic ? undefined : () => state.breaker.state === 'closed',
      // The call already counted as a request to this target when its breaker turned it away.
      counted: panic,
      onRetry:
        run.call && ((e) => retryScheduled(run, target.id, e.attempt, e.delayMs, e.error.code)),
    },
  );
  const { outcome } = result;
  const ejected =
    result.stoppedBy === 'target_unavailable' ||
    (!outcome.ok && outcome.error.code === 'circuit_open');
  return ejected ? { ...outcome, ejected } : outcome;
}

function cannotTake(err: unknown, target: ResolvedTarget): BreakwaterError {
  const known = err instanceof BreakwaterError ? err : undefined;
  // Not the caller's fault when another tier could take the request as it is; the message of an
  // unexpected failure stays in the cause (and the log), not in the answer.
  return new BreakwaterError(
    'unprocessable',
    `${target.id} cannot take this request${known ? `: ${known.message}` : ` (its ${target.provider.dialect} translation failed on a field of an unexpected shape)`}`,
    {
      origin: 'breakwater',
      param: known?.param,
      fallbackable: true,
      cause: err,
      hint:
        known?.param !== undefined
          ? `Another tier may take it; otherwise fix \`${known.param}\`.`
          : 'Another tier may take it; otherwise check the request’s fields against the API reference of the dialect you send.',
    },
  );
}
