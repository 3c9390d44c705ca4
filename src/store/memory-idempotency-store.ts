/**
 * Idempotency records in this process's memory: a map with expiry read from the injected clock,
 * bounded in count (the oldest records go first), for one process — and the local view a Redis
 * store falls back to while Redis is unreachable.
 */
import { type Clock, systemClock } from '../core/clock.ts';
import type { IdempotencyBegin, IdempotencyRecord, IdempotencyStore } from './idempotency-store.ts';

export interface MemoryIdempotencyStoreOptions {
  /** Most records kept; past it the oldest is dropped. @default 100000 */
  maxRecords?: number;
  /** @default systemClock */
  clock?: Clock;
}

interface Held {
  record: IdempotencyRecord;
  expiresAt: number;
}

export class MemoryIdempotencyStore implements IdempotencyStore {
  readonly #clock: Clock;
  readonly #max: number;
  /** In insertion order, which is creation order: the first entry is the oldest. */
  readonly #records = new Map<string, Held>();

  constructor(options: MemoryIdempotencyStoreOptions = {}) {
    const max = options.maxRecords ?? 100_000;
    if (!(Number.isSafeInteger(max) && max > 0)) {
      throw new TypeError(`Expected \`maxRecords\` to be a positive integer, got ${max}`);
    }
    this.#max = max;
    this.#clock = options.clock ?? systemClock;
  }

  get size(): number {
    return this.#records.size;
  }

  async begin(key: string, fingerprint: string, ttlMs: number): Promise<IdempotencyBegin> {
    const existing = this.#live(key);
    if (existing) return { created: false, record: { ...existing.record } };
    if (this.#records.size >= this.#max) {
      const oldest = this.#records.keys().next().value;
      if (oldest !== undefined) this.#records.delete(oldest);
    }
    const now = this.#clock.now();
    this.#records.set(key, {
      record: { fingerprint, state: 'pending', createdAt: now },
      expiresAt: now + ttlMs,
    });
    return { created: true };
  }

  async get(key: string): Promise<IdempotencyRecord | undefined> {
    const held = this.#live(key);
    return held && { ...held.record };
  }

  async complete(key: string, fingerprint: string, result: string, ttlMs: number) {
    const held = this.#live(key);
    if (!held || held.record.fingerprint !== fingerprint) return false;
    held.record = { ...held.record, state: 'complete', result };
    held.expiresAt = this.#clock.now() + ttlMs;
    return true;
  }

  async release(key: string, fingerprint: string): Promise<void> {
    const held = this.#live(key);
    if (held?.record.fingerprint === fingerprint && held.record.state === 'pending') {
      this.#records.delete(key);
    }
  }

  /** Whether `key` is held here (live), for a store layered over this one. */
  has(key: string): boolean {
    return this.#live(key) !== undefined;
  }

  #live(key: string): Held | undefined {
    const held = this.#records.get(key);
    if (held && this.#clock.now() >= held.expiresAt) {
      this.#records.delete(key);
      return undefined;
    }
    return held;
  }
}
