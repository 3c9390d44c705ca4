/**
 * The simulator's state between requests: the scenario, the seed, the start of its timeline,
 * rate-limit buckets, counters, and a per-model request number from which each request's own
 * seeded stream is derived. Deriving per (seed, model, n) rather than sharing one stream keeps a
 * run reproducible even when requests for different models interleave differently.
 */

import type { Clock } from '../core/clock.ts';
import { deriveSeed, mulberry32, type Random } from './prng.ts';
import { MockRateLimiter } from './rate-limiter.ts';
import type { ResolvedScenario } from './scenario.ts';
import { StatsRecorder } from './stats.ts';

export class Simulator {
  readonly clock: Clock;
  readonly limiter: MockRateLimiter;
  readonly stats = new StatsRecorder();
  /** Aborted by close(): ends every sleep, stall and hang. */
  readonly closing = new AbortController();
  #scenario: ResolvedScenario;
  #seed: number;
  #startedAt: number;
  #counters = new Map<string, number>();

  constructor(scenario: ResolvedScenario, clock: Clock, seed?: number) {
    this.clock = clock;
    this.limiter = new MockRateLimiter(clock);
    this.#scenario = scenario;
    this.#seed = seed ?? scenario.seed ?? 0;
    this.#startedAt = clock.now();
  }

  get scenario(): ResolvedScenario {
    return this.#scenario;
  }

  get seed(): number {
    return this.#seed;
  }

  /** Milliseconds since start or the last reset, by the clock: the timeline of down windows. */
  elapsedMs(): number {
    return this.clock.now() - this.#startedAt;
  }

  /** The seeded stream for the next request for `model`. */
  randomFor(model: string): Random {
    const n = this.#counters.get(model) ?? 0;
    this.#counters.set(model, n + 1);
    return mulberry32(deriveSeed(this.#seed, model, n));
  }

  /** Clears counts, buckets and request numbers, and restarts the timeline. */
  reset(): void {
    this.stats.reset();
    this.limiter.reset();
    this.#counters.clear();
    this.#startedAt = this.clock.now();
  }

  /** Swaps the scenario; buckets start afresh (limits may differ), counts and timeline go on. */
  setScenario(scenario: ResolvedScenario): void {
    this.#scenario = scenario;
    if (scenario.seed !== undefined) this.#seed = scenario.seed;
    this.limiter.reset();
  }
}
