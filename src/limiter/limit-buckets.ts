/**
 * The token buckets of one limit scope (a target, or a target's upstream key): one per
 * dimension that has a per-minute limit — requests, tokens, input tokens, output tokens — each
 * holding a minute's worth and refilled continuously, as both providers describe their limits.
 * A request is admitted only if every bucket can pay, and a refused request takes nothing.
 *
 * On top of the configured (or learned) limits sit two corrections: a rate `factor` (adaptive
 * pacing scales every bucket's capacity and refill by it) and `blockedUntil` (a server's
 * Retry-After stops admission until then). `charged` counts everything ever taken, so header
 * adoption can tell which of its own reservations the provider had not yet seen.
 */
import type { Clock } from '../core/clock.ts';
import { TokenBucket, type TokenBucketState } from '../core/token-bucket.ts';
import { type Cost, DIMENSIONS, type Dimension, ZERO_COST } from './request-cost.ts';

/** Float slack, as in TokenBucket. */
const EPSILON = 1e-9;

export type Limits = Partial<Record<Dimension, number>>;

/** Serialisable state of one scope. */
export interface BucketsState {
  /** Per-minute limits (configured or learned), before the factor. */
  limits: Limits;
  factor: number;
  blockedUntil: number;
  levels: Partial<Record<Dimension, TokenBucketState>>;
}

export class LimitBuckets {
  readonly #clock: Clock;
  readonly #limits: Limits = {};
  readonly #buckets: Partial<Record<Dimension, TokenBucket>> = {};
  #factor = 1;
  /** Epoch ms before which nothing is admitted (a server's Retry-After). */
  blockedUntil = 0;
  /** Everything ever taken or charged, per dimension (refunds subtract). */
  readonly charged: Cost = { ...ZERO_COST };

  constructor(limits: Limits, clock: Clock, initial?: BucketsState) {
    this.#clock = clock;
    if (initial) {
      this.#factor = initial.factor;
      this.blockedUntil = initial.blockedUntil;
    }
    for (const dim of DIMENSIONS) {
      const limit = initial?.limits[dim] ?? limits[dim];
      if (limit !== undefined) this.setLimit(dim, limit, initial?.levels[dim]);
    }
  }

  get empty(): boolean {
    return DIMENSIONS.every((dim) => this.#buckets[dim] === undefined);
  }

  get factor(): number {
    return this.#factor;
  }

  /** Whether a bucket counts tokens (total, input or output), so a request's cost needs them. */
  get countsTokens(): boolean {
    const b = this.#buckets;
    return b.tokens !== undefined || b.input !== undefined || b.output !== undefined;
  }

  has(dim: Dimension): boolean {
    return this.#buckets[dim] !== undefined;
  }

  /** The per-minute limit of `dim` before the factor, or `undefined`. */
  limit(dim: Dimension): number | undefined {
    return this.#limits[dim];
  }

  /** What `dim`'s bucket holds now (negative in debt); `Infinity` when there is no limit. */
  level(dim: Dimension): number {
    return this.#buckets[dim]?.available() ?? Number.POSITIVE_INFINITY;
  }

  /** Sets (or learns) `dim`'s per-minute limit, keeping the current level where there is one. */
  setLimit(dim: Dimension, perMinute: number, initial?: TokenBucketState | number): void {
    this.#limits[dim] = perMinute;
    this.#rebuild(dim, initial);
  }

  /** Scales every bucket's capacity and refill to `factor` × its limit. Levels are kept (capped). */
  setFactor(factor: number): void {
    if (factor === this.#factor) return;
    this.#factor = factor;
    for (const dim of DIMENSIONS) if (this.#buckets[dim]) this.#rebuild(dim);
  }

  /**
   * The request is not larger than a limit (else waiting cannot help, and the provider would
   * refuse it as too large). Judged against the limits, not the factor-scaled buckets.
   */
  fits(cost: Cost): boolean {
    return DIMENSIONS.every((dim) => {
      const limit = this.#limits[dim];
      return limit === undefined || cost[dim] <= limit + EPSILON;
    });
  }

  /**
   * Takes `cost` from every bucket if all can pay now; takes nothing otherwise. A cost larger
   * than a bucket scaled down by the factor may go once that bucket is full, into debt.
   */
  take(cost: Cost): boolean {
    if (this.#clock.now() < this.blockedUntil) return false;
    for (const dim of DIMENSIONS) {
      const bucket = this.#buckets[dim];
      if (!bucket || cost[dim] <= 0) continue;
      if (bucket.available() + EPSILON < this.#need(dim, cost[dim], bucket)) return false;
    }
    for (const dim of DIMENSIONS) this.charge(dim, cost[dim]);
    return true;
  }

  /** Milliseconds until `take(cost)` could succeed (counting a block); 0 if it could now. */
  waitMs(cost: Cost): number {
    return this.#wait(cost, true);
  }

  /**
   * Milliseconds until the buckets will have refilled `cost` in all — the wait for a line of
   * requests whose costs add up to `cost`, each small enough to fit.
   */
  lineWaitMs(cost: Cost): number {
    return this.#wait(cost, false);
  }

  #wait(cost: Cost, single: boolean): number {
    const now = this.#clock.now();
    let wait = Math.max(0, this.blockedUntil - now);
    for (const dim of DIMENSIONS) {
      const bucket = this.#buckets[dim];
      if (!bucket || cost[dim] <= 0) continue;
      const need = single ? this.#need(dim, cost[dim], bucket) : cost[dim];
      const missing = need - bucket.available();
      if (missing <= EPSILON) continue;
      const ms = bucket.refillPerMs > 0 ? missing / bucket.refillPerMs : Number.POSITIVE_INFINITY;
      wait = Math.max(wait, Math.ceil(ms - EPSILON));
    }
    return wait;
  }

  /** Charges `n` to `dim` (debt allowed), or refunds it when negative (never above capacity). */
  charge(dim: Dimension, n: number): void {
    if (n === 0) return;
    this.charged[dim] += n;
    const bucket = this.#buckets[dim];
    if (!bucket) return;
    if (n > 0) bucket.consume(n);
    else bucket.refund(-n);
  }

  /** `dim`'s bucket as scaled now (capacity, refill per ms); `undefined` without a limit. */
  shape(dim: Dimension): Pick<TokenBucket, 'capacity' | 'refillPerMs'> | undefined {
    return this.#buckets[dim];
  }

  /** What must be in `dim`'s bucket for a cost of `n` to go (see `take`). */
  need(dim: Dimension, n: number): number {
    const bucket = this.#buckets[dim];
    return bucket ? this.#need(dim, n, bucket) : n;
  }

  /** Sets `dim`'s level (a shared store's answer), at most its capacity. */
  setLevel(dim: Dimension, level: number): void {
    const bucket = this.#buckets[dim];
    if (!bucket) return;
    const current = bucket.available();
    if (level < current) bucket.consume(current - level);
    else if (level > current) bucket.refund(level - current);
  }

  /** Lowers `dim`'s level to `level` if it holds more (the provider said there is less). */
  lowerTo(dim: Dimension, level: number): boolean {
    const bucket = this.#buckets[dim];
    if (!bucket) return false;
    const excess = bucket.available() - level;
    if (excess <= EPSILON) return false;
    bucket.consume(excess);
    return true;
  }

  toJSON(): BucketsState {
    const levels: BucketsState['levels'] = {};
    for (const dim of DIMENSIONS) {
      const bucket = this.#buckets[dim];
      if (bucket) levels[dim] = bucket.toJSON();
    }
    return {
      limits: { ...this.#limits },
      factor: this.#factor,
      blockedUntil: this.blockedUntil,
      levels,
    };
  }

  /** What must be in the bucket for `n`: all of it, or a full bucket when only the factor made it too small. */
  #need(dim: Dimension, n: number, bucket: TokenBucket): number {
    return n <= (this.#limits[dim] ?? 0) ? Math.min(n, bucket.capacity) : n;
  }

  #rebuild(dim: Dimension, initial?: TokenBucketState | number): void {
    const limit = this.#limits[dim];
    if (limit === undefined) return;
    const capacity = Math.max(1, limit * this.#factor);
    const old = this.#buckets[dim];
    const start = initial ?? (old ? old.toJSON() : capacity);
    this.#buckets[dim] = new TokenBucket({
      capacity,
      refillPerMs: capacity / 60_000,
      clock: this.#clock,
      initial: start,
    });
  }
}
