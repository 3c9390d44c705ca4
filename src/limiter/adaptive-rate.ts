/**
 * Adaptive pacing by AIMD (additive increase, multiplicative decrease — TCP's congestion rule):
 * a 429 from the provider multiplies the admitted rate by `decrease`, each clean answer adds
 * `increase` back, up to the configured limit. A limit lower than configured (a tier change, a
 * key shared with other apps) is thereby found without a storm of 429s.
 *
 * Concurrent requests that were all admitted under the old rate tend to come back as a burst
 * of 429s; counting them all would collapse the rate, so at most one decrease happens per
 * `cooldownMs` — "a run of 429s" shrinks the rate once per run-length, not once per answer.
 * OpenAI's Slow Down (a 429 with code `slow_down`, formerly a 503) asks for the rate to be
 * reduced and held for 15 minutes before growing again (provider-wire.md §8, §9): it decreases
 * like a 429 and freezes increases for `slowDownHoldMs`.
 */
import type { AdaptiveOptions } from '../config/limits-types.ts';

export type { AdaptiveOptions } from '../config/limits-types.ts';

const ADAPTIVE_DEFAULTS: Readonly<Required<AdaptiveOptions>> = Object.freeze({
  enabled: true,
  decrease: 0.7,
  increase: 0.02,
  minFactor: 0.1,
  cooldownMs: 1000,
  slowDownHoldMs: 900_000,
});

export interface AdaptiveState {
  factor: number;
  lastDecreaseAt: number;
  holdUntil: number;
}

export class AdaptiveRate {
  readonly #o: Readonly<Required<AdaptiveOptions>>;
  factor = 1;
  #lastDecreaseAt = Number.NEGATIVE_INFINITY;
  #holdUntil = Number.NEGATIVE_INFINITY;

  constructor(options: AdaptiveOptions = {}, initial?: AdaptiveState) {
    this.#o = { ...ADAPTIVE_DEFAULTS, ...options };
    if (initial) {
      this.factor = initial.factor;
      this.#lastDecreaseAt = initial.lastDecreaseAt;
      this.#holdUntil = initial.holdUntil;
    }
  }

  /** A 429 (or a Slow Down) at `now`. Returns whether the factor changed. */
  throttled(now: number, slowDown = false): boolean {
    if (!this.#o.enabled) return false;
    if (slowDown) this.#holdUntil = Math.max(this.#holdUntil, now + this.#o.slowDownHoldMs);
    if (now - this.#lastDecreaseAt < this.#o.cooldownMs) return false;
    this.#lastDecreaseAt = now;
    const next = Math.max(this.#o.minFactor, this.factor * this.#o.decrease);
    if (next === this.factor) return false;
    this.factor = next;
    return true;
  }

  /** A clean answer at `now`. Returns whether the factor changed. */
  succeeded(now: number): boolean {
    if (!this.#o.enabled || this.factor >= 1 || now < this.#holdUntil) return false;
    this.factor = Math.min(1, this.factor + this.#o.increase);
    return true;
  }

  toJSON(): AdaptiveState {
    return {
      factor: this.factor,
      lastDecreaseAt: this.#lastDecreaseAt,
      holdUntil: this.#holdUntil,
    };
  }
}
