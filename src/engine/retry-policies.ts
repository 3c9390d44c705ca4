/**
 * The retry policy for each (route, target) pair, built on first use: the route says how many
 * attempts and how long to back off, the target's retry budget says how many retries it can
 * still take (the budget is per target, shared by every route that reaches it).
 */
import type { ResolvedRoute } from '../config/config-types.ts';
import type { Clock } from '../core/clock.ts';
import { FullJitterBackoff } from '../policy/backoff.ts';
import { RetryPolicy } from '../policy/retry.ts';
import type { TargetState } from './target-state.ts';

export class RetryPolicies {
  readonly #policies = new Map<string, RetryPolicy>();
  readonly #random: () => number;
  readonly #clock: Clock;

  constructor(random: () => number, clock: Clock) {
    this.#random = random;
    this.#clock = clock;
  }

  get(route: ResolvedRoute, state: TargetState): RetryPolicy {
    const id = `${route.name}\u0000${state.target.id}`;
    let policy = this.#policies.get(id);
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
      this.#policies.set(id, policy);
    }
    return policy;
  }
}
