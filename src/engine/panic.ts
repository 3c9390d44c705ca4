/**
 * Panic mode — Envoy's panic threshold, for a route. When every tier of a route is ejected (each
 * breaker open, no probe slot free), failing at once would turn a provider's partial failure into
 * a total one: breakers that opened on an unlucky streak, or a short outage of both tiers, would
 * answer every client `circuit_open` for the whole open period. The same holds when the tiers
 * that were tried failed and the others were ejected, or a breaker that opened mid-call cut a
 * target's retries short. So once the route is out of other options, as Envoy routes to all hosts
 * when too few are healthy, the call goes past the open breakers of the targets they turned away
 * — the one whose open period ends soonest first, then the next:
 *
 * - each attempt is marked `panic` in the trail, and the answer says so
 *   (`x-breakwater-fallback: panic`);
 * - the breakers count none of it (a probe still decides when a target is back);
 * - each target is the call's one go at it (counted once in its retry budget, as when the breaker
 *   turned it away), under the route's retry policy: retries come out of the target's retry
 *   budget, so an ejected target gets at most the load it would get with no breaker at all, and
 *   the call's deadline bounds everything;
 * - only when that fails too does the caller get `circuit_open` (503, with Retry-After until the
 *   soonest probe), with the last panic failure in the message and every attempt in the trail.
 */
import type { ResolvedTarget } from '../config/config-types.ts';
import { failure, type Outcome } from '../core/outcome.ts';
import { type BreakwaterError, RejectedError } from '../errors/index.ts';
import type { Delivered } from './attempt.ts';
import type { Run } from './run.ts';
import { type TargetDeps, tryTarget } from './try-target.ts';

/** A target the route skipped because its breaker was open. */
export interface Ejected {
  target: ResolvedTarget;
  tier: number;
}

/** Tries the ejected targets, soonest to reopen first; `circuit_open` when none delivers. */
export async function panic(
  deps: TargetDeps,
  run: Run,
  ejected: readonly Ejected[],
): Promise<Outcome<Delivered>> {
  const policy = run.route.policy;
  const order = ejected
    .map((e) => ({ ...e, breaker: deps.targets.get(e.target, policy).breaker }))
    .sort((a, b) => a.breaker.openUntil - b.breaker.openUntil);
  let last: BreakwaterError | undefined;
  for (let i = 0; i < order.length; i++) {
    const { target, tier } = order[i]!;
    const { outcome } = await tryTarget(deps, run, target, tier, {
      last: i === order.length - 1,
      panic: true,
    });
    if (outcome.ok) return outcome;
    last = outcome.error;
    // The caller's own mistake, its abort or its deadline is the answer, whatever the breakers say.
    if (!last.fallbackable || last.code === 'aborted') return outcome;
  }
  // The wait until the soonest probe, now that the panic attempts have taken their time.
  const retryAfterMs = Math.min(...order.map((e) => e.breaker.retryAfterMs));
  return failure(everyTierOpen(run, retryAfterMs, last));
}

function everyTierOpen(run: Run, retryAfterMs: number, cause?: BreakwaterError): BreakwaterError {
  const wait = Number.isFinite(retryAfterMs) ? retryAfterMs : run.route.policy.breaker.openMs;
  const seconds = Math.ceil(wait / 1000);
  const tried = cause ? `; in panic mode, ${cause.message}` : '';
  return new RejectedError(
    'circuit_open',
    `every tier of route ${run.route.name} is ejected (circuit open)${tried}; next probe in ${seconds} s`,
    { retryAfterMs: wait, cause },
  );
}
