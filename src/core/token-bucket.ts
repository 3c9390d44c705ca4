/**
 * A token bucket (Envoy's name; `capacity` is Envoy's `maxTokens`) with continuous
 * replenishment: tokens trickle in at `refillPerMs` up to `capacity`, the way both providers
 * describe their rate limits ("continuously replenished up to your maximum limit"). A per-minute
 * limit L is `{ capacity: L, refillPerMs: L / 60_000 }`.
 *
 * Hand-written because it is a dozen lines of arithmetic that must read time from an injected
 * `Clock` and serialise its state; the npm limiters read `Date.now()` and own their timers.
 * Shared by the simulator's rate limits and the engine's limiter.
 */

import { type Clock, systemClock } from './clock.ts';

/** Serialisable state: the level at a moment. */
export interface TokenBucketState {
  /** Tokens held at `updatedAt`; negative when the bucket is in debt (see `consume`). */
  tokens: number;
  /** Clock time (ms) the level was computed at. */
  updatedAt: number;
}

export interface TokenBucketOptions {
  /** Most tokens the bucket holds (the burst). Must be > 0. */
  capacity: number;
  /** Tokens added per millisecond. Must be >= 0. */
  refillPerMs: number;
  /** @default systemClock */
  clock?: Clock;
  /** Starting level or a saved state. @default capacity (a full bucket) */
  initial?: number | TokenBucketState;
}

/** Float slack so that 100 × 0.01 tokens count as 1 whole token. */
const EPSILON = 1e-9;

export class TokenBucket {
  readonly capacity: number;
  readonly refillPerMs: number;
  readonly #clock: Clock;
  #tokens: number;
  #updatedAt: number;

  constructor(options: TokenBucketOptions) {
    const { capacity, refillPerMs, clock = systemClock, initial } = options;
    if (!(Number.isFinite(capacity) && capacity > 0)) {
      throw new TypeError(`Expected \`capacity\` to be a positive number, got ${capacity}`);
    }
    if (!(Number.isFinite(refillPerMs) && refillPerMs >= 0)) {
      throw new TypeError(
        `Expected \`refillPerMs\` to be a non-negative number, got ${refillPerMs}`,
      );
    }
    this.capacity = capacity;
    this.refillPerMs = refillPerMs;
    this.#clock = clock;
    if (typeof initial === 'object') {
      this.#tokens = Math.min(capacity, initial.tokens);
      this.#updatedAt = initial.updatedAt;
    } else {
      this.#tokens = Math.min(capacity, initial ?? capacity);
      this.#updatedAt = clock.now();
    }
  }

  /** A bucket for a per-minute limit: capacity `perMinute`, refilled evenly over a minute. */
  static perMinute(perMinute: number, clock?: Clock): TokenBucket {
    return new TokenBucket({ capacity: perMinute, refillPerMs: perMinute / 60_000, clock });
  }

  /** Tokens available now (may be fractional, or negative while in debt). */
  available(): number {
    this.#refill();
    return this.#tokens;
  }

  /** Takes `n` tokens if all of them are there; takes nothing otherwise. */
  tryTake(n: number): boolean {
    this.#refill();
    if (this.#tokens + EPSILON < n) return false;
    this.#tokens -= n;
    return true;
  }

  /**
   * Takes `n` tokens unconditionally, going into debt if needed: for costs known only after the
   * fact (output tokens generated). A bucket in debt admits nothing until it refills.
   */
  consume(n: number): void {
    this.#refill();
    this.#tokens -= n;
  }

  /** Gives back `n` tokens (an over-reservation), never above capacity. */
  refund(n: number): void {
    this.#refill();
    this.#tokens = Math.min(this.capacity, this.#tokens + n);
  }

  /**
   * Milliseconds (rounded up) until `n` tokens are available: 0 if they are now, `Infinity` if
   * they never will be (n > capacity, or no refill).
   */
  timeUntil(n: number): number {
    this.#refill();
    const missing = n - this.#tokens;
    if (missing <= EPSILON) return 0;
    if (n > this.capacity + EPSILON || this.refillPerMs === 0) return Number.POSITIVE_INFINITY;
    return Math.ceil(missing / this.refillPerMs - EPSILON);
  }

  /** Milliseconds (rounded up) until the bucket is full again. */
  timeUntilFull(): number {
    return this.timeUntil(this.capacity);
  }

  toJSON(): TokenBucketState {
    this.#refill();
    return { tokens: this.#tokens, updatedAt: this.#updatedAt };
  }

  #refill(): void {
    const now = this.#clock.now();
    const elapsed = now - this.#updatedAt;
    if (elapsed <= 0) return;
    this.#tokens = Math.min(this.capacity, this.#tokens + elapsed * this.refillPerMs);
    this.#updatedAt = now;
  }
}
