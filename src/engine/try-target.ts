/**
 * One target of a route: the caller's request put into the target's dialect once (a target that
 * cannot take it is skipped), then attempts under the route's retry policy for that target, each
 * behind the target's breaker and hedged when the route allows (hedge.ts). The answer of the
 * first attempt that delivers, or the last error — or, with eager failover, a stop before a long
 * wait, with the wait left: the engine tries other tiers meanwhile and may resume this target.
 */
import type { ResolvedTarget } from '../config/config-types.ts';
import { failure, type Outcome } from '../core/outcome.ts';
import { BreakwaterError } from '../errors/index.ts';
import { type AttemptPlan, attempt, type Delivered } from './attempt.ts';
import type { createBridges } from './bridge.ts';
import { type HedgeDeps, type HedgeTarget, hedgedAttempt } from './hedge.ts';
import { retryScheduled } from './observe.ts';
import type { RetryPolicies } from './retry-policies.ts';
import { type Run, skipped } from './run.ts';

/** What trying a target works with, the same for every call. */
export interface TargetDeps extends HedgeDeps {
  bridge: ReturnType<typeof createBridges>;
  retries: RetryPolicies;
}

/** How the engine asks a target to be tried. */
export interface TargetTry {
  /** No target comes after this one, so its final attempt gets the full first-byte limit. */
  last: boolean;
  /** The route is out of options and this target is tried past its open breaker (panic.ts). */
  panic?: boolean;
  /** Resumes a target left for eager failover, after the attempts it already made. */
  resumeAfter?: number;
  /** Where the engine is in the route's targets (tier-walk.ts); without it, no failover nor hedge. */
  place?: TargetPlace;
}

/** Where the target stands among the route's others. */
export interface TargetPlace {
  /** Whether a wait of `delayMs` should be left for another tier instead (eager failover). */
  failover(delayMs: number): boolean;
  /** Where a hedge of a slow attempt would go. */
  hedgeTo(): HedgeTarget | undefined;
}

/** What trying a target came to. */
export interface TargetResult {
  outcome: Outcome<Delivered>;
  /** Attempts made on the target so far (resumed ones included). */
  attempts: number;
  /** Set when the target stopped for eager failover: the wait before it may be tried again. */
  resumeInMs?: number;
  /**
   * Its breaker turned the call away — at once, or after a failure that opened it cut the
   * retries short — so panic mode may still try it.
   */
  ejected?: true;
}

/** The plan for one attempt on `target`, or the error that says it cannot take the request. */
export function planFor(
  deps: TargetDeps,
  run: Run,
  target: ResolvedTarget,
  tier: number,
): Omit<AttemptPlan, 'final'> | BreakwaterError {
  const state = deps.targets.get(target, run.route.policy);
  const bridge = deps.bridge(run.dialect, target.provider.dialect);
  try {
    const upstream = bridge.request(run.request, target.model, run.defaultMaxTokens).request;
    return { state, bridge, upstream, body: JSON.stringify(upstream), tier };
  } catch (err) {
    // This target cannot take the request as it is (e.g. n > 1 for a Claude model): try the next.
    return cannotTake(err, target);
  }
}

export async function tryTarget(
  deps: TargetDeps,
  run: Run,
  target: ResolvedTarget,
  tier: number,
  how: TargetTry,
): Promise<TargetResult> {
  const plan = planFor(deps, run, target, tier);
  if (plan instanceof BreakwaterError) {
    deps.record(run, skipped(target.id, tier, plan.code), plan);
    return { outcome: failure(plan), attempts: 0 };
  }
  const { state } = plan;
  const panic = how.panic === true;
  const retry = deps.retries.get(run.route, state);
  const place = how.place;
  const result = await retry.execute(
    ({ attempt: n }) => {
      const one = { ...plan, attempt: n, final: how.last && n === retry.maxAttempts - 1, panic };
      // A panic attempt is the route's last resort, past an open breaker: not raced.
      return panic ? attempt(deps, run, one) : hedgedAttempt(deps, run, one, place);
    },
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
      failover: panic || !place ? undefined : (delayMs) => place.failover(delayMs),
      firstAttempt: how.resumeAfter,
    },
  );
  const { outcome } = result;
  const out: TargetResult = { outcome, attempts: result.attempts };
  if (result.resumeInMs !== undefined) out.resumeInMs = result.resumeInMs;
  if (
    result.stoppedBy === 'target_unavailable' ||
    (!outcome.ok && outcome.error.code === 'circuit_open')
  )
    out.ejected = true;
  return out;
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
