/**
 * Token buckets kept where a fleet shares them: every gateway takes from and charges the same
 * buckets of a limit scope, each operation one atomic round trip. The buckets are the limiter's
 * (capacity, continuous refill per ms, debt allowed for costs known afterwards); the caller
 * passes each bucket's shape on every call, so a store needs no configuration of its own and a
 * limit changed on one gateway takes effect at its next call.
 *
 * `seed` is the caller's best guess of a bucket's level when the store has none — a scope
 * nobody used recently (then: full), or a store that restarted empty (then: the level the caller
 * last saw, refilled since), so a Redis that lost its data does not hand out a fresh minute's
 * worth to a fleet that had just spent it.
 */

export interface SharedBucket {
  /** The bucket's name within its scope (`requests`, `tokens`, …). */
  readonly name: string;
  /** Most tokens held: the per-minute limit times the caller's adaptive factor. */
  readonly capacity: number;
  /** Tokens added per millisecond. */
  readonly refillPerMs: number;
  /** The level to start from when the store holds none for this bucket. */
  readonly seed: number;
}

export interface BucketTake extends SharedBucket {
  /** Taken from the bucket when every bucket can pay. */
  readonly cost: number;
  /** What must be in the bucket for `cost` to go (less than `cost` only for an oversized request). */
  readonly need: number;
}

export interface BucketCharge extends SharedBucket {
  /** Taken (positive, debt allowed) or given back (negative, never above capacity). */
  readonly amount: number;
  /** Lowers the level to this if it holds more (the provider said there is less). */
  readonly lowerTo?: number;
}

export interface BucketReply {
  /** The take went through (always true for a charge). */
  ok: boolean;
  /** When refused: ms until every bucket could pay, counting a block; `Infinity` if never. */
  waitMs: number;
  /** Epoch ms before which the scope admits nothing (a provider's Retry-After), or 0. */
  blockedUntil: number;
  /** Each bucket's level after the operation, in the order given. */
  levels: number[];
}

export interface BucketStore {
  /** Takes every bucket's `cost` if all can pay now; takes nothing otherwise. */
  take(scope: string, now: number, buckets: readonly BucketTake[]): Promise<BucketReply>;
  /** Charges or refunds each bucket; raises the scope's block to `blockUntil` when later. */
  charge(
    scope: string,
    now: number,
    buckets: readonly BucketCharge[],
    blockUntil?: number,
  ): Promise<BucketReply>;
}
