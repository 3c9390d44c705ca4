/**
 * The retry policy for each (route, target) pair, built on first use: the route says how many
 * attempts and how long to back off, the target's retry budget says how many retries it can
 * still take (the budget is per target, shared by every route that reaches it). Kept on the
 * target's state, so they go when it goes (target-state.ts bounds the targets no route names).
 */
import type { ResolvedRoute } from '../config/config-types.ts';
import type { Clock } from '../core/clock.ts';
import { FullJitterBackoff } from '../policy/backoff.ts';
import { RetryPolicy } from '../policy/retry.ts';
import type { TargetState } from './target-state.ts';

export class RetryPolicies {
  readonly #random: () => number;
  readonly #clock: Clock;

  constructor(random: () => number, clock: Clock) {
    this.#random = random;
    this.#clock = clock;
  }

  get(route: ResolvedRoute, state: TargetState): RetryPolicy {
    let policy = state.retryPolicies.get(route.name);
    if (!policy) {
      const r = route.policy.retry;
      policy = new RetryPolicy({
        maxAttempts: r.maxAttempts,
        backoff: new FullJitterBackoff({ baseMs: r.baseMs, capMs: r.capMs }),
        maxRetryDelayMs: r.maxRetryDelayMs,
        budget: state.budget,
        random: this.#random,
        clock: this.#clock,
      });
      state.retryPolicies.set(route.name, policy);
    }
    return policy;
  }
}
