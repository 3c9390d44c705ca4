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

/** `last`: no target comes after this one, so its final attempt gets the full first-byte limit. */
export async function tryTarget(
  deps: TargetDeps,
  run: Run,
  target: ResolvedTarget,
  tier: number,
  last: boolean,
): Promise<Outcome<Delivered>> {
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
      }),
    {
      remainingMs: () => run.deadline.remainingMs(),
      signal: run.options.signal,
      // A failure that opened the breaker: the next attempt would be skipped, so move on now.
      canRetry: () => state.breaker.state === 'closed',
      onRetry:
        run.call && ((e) => retryScheduled(run, target.id, e.attempt, e.delayMs, e.error.code)),
    },
  );
  return result.outcome;
}

function cannotTake(err: unknown, target: ResolvedTarget): BreakwaterError {
  const reason = err instanceof BreakwaterError ? `: ${err.message}` : '';
  // Not the caller's fault when another tier could take the request as it is; the message of an
  // unexpected failure stays in the cause (and the log), not in the answer.
  return new BreakwaterError('unprocessable', `${target.id} cannot take this request${reason}`, {
    origin: 'breakwater',
    param: err instanceof BreakwaterError ? err.param : undefined,
    fallbackable: true,
    cause: err,
    hint: 'Another tier may take it; otherwise change the request (the message names the field).',
  });
}
