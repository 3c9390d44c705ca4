/**
 * What the engine keeps per target (`provider/model`) and per provider: the target's circuit
 * breaker and retry budget, the provider's key pool. Created on first use. The breaker's options
 * are the target's own (its provider's `breaker` over the global one), never a route's: a sick
 * model is sick for every route that uses it. The retry budget's ratio still comes from the
 * route that first reaches the target.
 */

import type { ResolvedPolicy, ResolvedProvider, ResolvedTarget } from '../config/config-types.ts';
import type { Clock } from '../core/clock.ts';
import { CircuitBreaker } from '../policy/breaker.ts';
import { LatencyTracker } from '../policy/latency-tracker.ts';
import { RetryBudget } from '../policy/retry-budget.ts';
import { KeyPool } from '../upstream/key-pool.ts';

export interface TargetState {
  readonly target: ResolvedTarget;
  readonly breaker: CircuitBreaker;
  readonly budget: RetryBudget;
  /** Recent times to first byte, apart for streams and whole answers, which differ by far. */
  readonly firstByte: { readonly stream: LatencyTracker; readonly whole: LatencyTracker };
}

export class TargetRegistry {
  readonly #clock: Clock;
  readonly #targets = new Map<string, TargetState>();
  readonly #keys = new Map<string, KeyPool>();
  readonly #onCreate: (state: TargetState) => void;

  constructor(clock: Clock, onCreate: (state: TargetState) => void = () => {}) {
    this.#clock = clock;
    this.#onCreate = onCreate;
  }

  get(target: ResolvedTarget, policy: ResolvedPolicy): TargetState {
    let state = this.#targets.get(target.id);
    if (!state) {
      const clock = this.#clock;
      state = {
        target,
        breaker: new CircuitBreaker({ ...target.provider.breaker, clock }),
        budget: new RetryBudget({ ratio: policy.retry.budgetRatio, clock }),
        firstByte: { stream: new LatencyTracker(), whole: new LatencyTracker() },
      };
      this.#targets.set(target.id, state);
      this.#onCreate(state);
    }
    return state;
  }

  keys(provider: ResolvedProvider): KeyPool {
    let pool = this.#keys.get(provider.name);
    if (!pool) {
      pool = new KeyPool(provider.apiKey, { name: provider.name, clock: this.#clock });
      this.#keys.set(provider.name, pool);
    }
    return pool;
  }

  /** Every target reached so far. */
  all(): IterableIterator<TargetState> {
    return this.#targets.values();
  }
}
