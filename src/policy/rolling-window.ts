/**
 * Counts of successes and failures over a rolling time window, kept in a fixed ring of buckets
 * so memory stays constant however busy a target is (opossum's rolling window does the same).
 */
import type { Clock } from '../core/clock.ts';

export interface WindowCounts {
  successes: number;
  failures: number;
}

export class RollingWindow {
  readonly #bucketMs: number;
  readonly #successes: Float64Array;
  readonly #failures: Float64Array;
  readonly #stamps: Float64Array;
  readonly #clock: Clock;

  constructor(windowMs: number, buckets: number, clock: Clock) {
    this.#bucketMs = windowMs / buckets;
    this.#successes = new Float64Array(buckets);
    this.#failures = new Float64Array(buckets);
    this.#stamps = new Float64Array(buckets).fill(-1);
    this.#clock = clock;
  }

  #slot(): number {
    const epoch = Math.floor(this.#clock.now() / this.#bucketMs);
    const i = epoch % this.#stamps.length;
    if (this.#stamps[i] !== epoch) {
      this.#stamps[i] = epoch;
      this.#successes[i] = 0;
      this.#failures[i] = 0;
    }
    return i;
  }

  addSuccess(): void {
    const i = this.#slot();
    this.#successes[i]! += 1;
  }

  addFailure(): void {
    const i = this.#slot();
    this.#failures[i]! += 1;
  }

  counts(): WindowCounts {
    const epoch = Math.floor(this.#clock.now() / this.#bucketMs);
    const oldest = epoch - this.#stamps.length + 1;
    let successes = 0;
    let failures = 0;
    for (let i = 0; i < this.#stamps.length; i++) {
      if (this.#stamps[i]! >= oldest) {
        successes += this.#successes[i]!;
        failures += this.#failures[i]!;
      }
    }
    return { successes, failures };
  }

  reset(): void {
    this.#stamps.fill(-1);
  }
}
