/**
 * The store side of idempotent requests: a record per idempotency key, created only if absent
 * (so of two gateways receiving the same key at once exactly one goes ahead), read back by the
 * others, and completed with the result to replay. What a key means, how a request is
 * fingerprinted and what a duplicate gets back belong to the caller (the gateway); this part only
 * keeps records atomically and lets them expire.
 */

export interface IdempotencyRecord {
  /** A digest of the request, so a key reused for a different request can be told apart. */
  fingerprint: string;
  /** `pending` while the first request runs; `complete` once its result is stored. */
  state: 'pending' | 'complete';
  /** Clock time (epoch ms) the record was created. */
  createdAt: number;
  /** The result as the caller serialised it, once complete. */
  result?: string;
}

export type IdempotencyBegin = { created: true } | { created: false; record: IdempotencyRecord };

export interface IdempotencyStore {
  /**
   * Creates a `pending` record under `key`, kept for `ttlMs`, unless one exists: then nothing is
   * written and the existing record is returned. Atomic across a fleet.
   */
  begin(key: string, fingerprint: string, ttlMs: number): Promise<IdempotencyBegin>;
  get(key: string): Promise<IdempotencyRecord | undefined>;
  /**
   * Stores the result and marks the record `complete`, kept `ttlMs` from now. `false` when there
   * is no record under `key` for this `fingerprint` (it expired, or belongs to another request).
   */
  complete(key: string, fingerprint: string, result: string, ttlMs: number): Promise<boolean>;
  /** Drops a `pending` record of this `fingerprint` (the call failed and may be sent again). */
  release(key: string, fingerprint: string): Promise<void>;
}
