/**
 * What the engine keeps per target (`provider/model`) and per provider: the target's circuit
 * breaker, retry budget, times to first byte and retry policies, the provider's key pool.
 * Created on first use. The breaker's options are the target's own (its provider's `breaker`
 * over the global one), never a route's: a sick model is sick for every route that uses it. The
 * retry and hedge budgets' ratios still come from the route that first reaches the target.
 *
 * Any client may name any `provider/model`, so the state of targets no route names is bounded:
 * at most `MAX_UNNAMED_TARGETS` are kept, and past that the least recently used one whose breaker
 * is closed makes room (it has nothing to remember that matters: a closed breaker's window is
 * local evidence). One whose breaker is open or probing is kept, so spraying names cannot reset
 * a breaker; if every slot holds one, a new name is refused with a 503 until a probe period
 * ends. The targets routes name are kept for the engine's life.
 */

import type { ResolvedPolicy, ResolvedProvider, ResolvedTarget } from '../config/config-types.ts';
import type { Clock } from '../core/clock.ts';
import { BreakwaterError } from '../errors/index.ts';
import { CircuitBreaker } from '../policy/breaker.ts';
import { HeadLatency } from '../policy/head-latency.ts';
import { LatencyTracker } from '../policy/latency-tracker.ts';
import type { RetryPolicy } from '../policy/retry.ts';
import { RetryBudget } from '../policy/retry-budget.ts';
import { KeyPool } from '../upstream/key-pool.ts';

/**
 * The hedge budget's window. Longer than the retry budget's 10 s: hedges are rare (a few in a
 * hundred), so a short window holds too few to be steady — a run of slow attempts finds it empty
 * while the minute's share is still unspent — and a quiet target would never earn one.
 */
const HEDGE_BUDGET_WINDOW_MS = 60_000;

/** Targets no route names whose state is kept at most (see above). */
export const MAX_UNNAMED_TARGETS = 1024;

export interface TargetState {
  readonly target: ResolvedTarget;
  readonly breaker: CircuitBreaker;
  readonly budget: RetryBudget;
  /** Recent times to first byte, apart for streams and whole answers, which differ by far. */
  readonly firstByte: { readonly stream: LatencyTracker; readonly whole: LatencyTracker };
  /** The retry policy of each route that reaches this target (retry-policies.ts). */
  readonly retryPolicies: Map<string, RetryPolicy>;
  /** Recent times to a usable head (a stream's first content), for the hedge delay. */
  readonly heads: HeadLatency;
  /**
   * Hedges started because this target was slow, as a share of its attempts in the last minute:
   * the retry budget's mechanism with no floor (this is the budget "The Tail at Scale"
   * describes).
   */
  readonly hedgeBudget: RetryBudget;
}

export interface TargetRegistryOptions {
  /** Called once per state created (the engine subscribes to its breaker). */
  onCreate?: (state: TargetState) => void;
  /** The ids of the targets the config's routes name: their state is never dropped. */
  named?: ReadonlySet<string>;
  /** @default MAX_UNNAMED_TARGETS */
  maxUnnamed?: number;
}

export class TargetRegistry {
  readonly #clock: Clock;
  readonly #named = new Map<string, TargetState>();
  /** In order of last use, oldest first. */
  readonly #unnamed = new Map<string, TargetState>();
  readonly #keys = new Map<string, KeyPool>();
  readonly #onCreate: (state: TargetState) => void;
  readonly #namedIds: ReadonlySet<string>;
  readonly #maxUnnamed: number;

  constructor(clock: Clock, options: TargetRegistryOptions = {}) {
    this.#clock = clock;
    this.#onCreate = options.onCreate ?? (() => {});
    this.#namedIds = options.named ?? new Set();
    this.#maxUnnamed = options.maxUnnamed ?? MAX_UNNAMED_TARGETS;
  }

  get(target: ResolvedTarget, policy: ResolvedPolicy): TargetState {
    const named = this.#named.get(target.id);
    if (named) return named;
    const unnamed = this.#unnamed.get(target.id);
    if (unnamed) {
      // Most recently used goes last.
      this.#unnamed.delete(target.id);
      this.#unnamed.set(target.id, unnamed);
      return unnamed;
    }
    const isNamed = this.#namedIds.has(target.id);
    if (!isNamed && this.#unnamed.size >= this.#maxUnnamed) this.#makeRoom();
    const clock = this.#clock;
    const state: TargetState = {
      target,
      breaker: new CircuitBreaker({ ...target.provider.breaker, clock }),
      budget: new RetryBudget({ ratio: policy.retry.budgetRatio, clock }),
      firstByte: { stream: new LatencyTracker(), whole: new LatencyTracker() },
      retryPolicies: new Map(),
      heads: new HeadLatency(),
      hedgeBudget: new RetryBudget({
        ratio: policy.hedge.budgetRatio,
        minRetries: 0,
        windowMs: HEDGE_BUDGET_WINDOW_MS,
        clock,
      }),
    };
    (isNamed ? this.#named : this.#unnamed).set(target.id, state);
    this.#onCreate(state);
    return state;
  }

  /** Drops the least recently used unnamed target whose breaker is closed. */
  #makeRoom(): void {
    let soonestMs = Number.POSITIVE_INFINITY;
    for (const [id, state] of this.#unnamed) {
      if (state.breaker.state === 'closed') {
        this.#unnamed.delete(id);
        return;
      }
      soonestMs = Math.min(soonestMs, state.breaker.retryAfterMs);
    }
    throw new BreakwaterError(
      'unavailable',
      `breakwater keeps state for at most ${this.#maxUnnamed} provider/model targets no route names, and every one has an open breaker`,
      {
        origin: 'breakwater',
        retryAfterMs: Number.isFinite(soonestMs) ? Math.max(soonestMs, 1_000) : 1_000,
        hint: 'Retry after the probe period, or name the target in a route (routes’ targets are always kept).',
      },
    );
  }

  keys(provider: ResolvedProvider): KeyPool {
    let pool = this.#keys.get(provider.name);
    if (!pool) {
      pool = new KeyPool(provider.apiKey, { name: provider.name, clock: this.#clock });
      this.#keys.set(provider.name, pool);
    }
    return pool;
  }

  /** Every target whose state is kept: those routes name first, then the others, oldest first. */
  *all(): IterableIterator<TargetState> {
    yield* this.#named.values();
    yield* this.#unnamed.values();
  }

  /** How many targets no route names have state kept. */
  get unnamedCount(): number {
    return this.#unnamed.size;
  }
}
