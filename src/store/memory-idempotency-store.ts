/**
 * Idempotency records in this process's memory: a map with expiry read from the injected clock,
 * bounded in count and in bytes (keys and stored results; the oldest records go first), for one
 * process — and the local view a Redis store falls back to while Redis is unreachable. A dropped
 * record only means a retry under its key is sent upstream again.
 */
import { type Clock, systemClock } from '../core/clock.ts';
import type { IdempotencyBegin, IdempotencyRecord, IdempotencyStore } from './idempotency-store.ts';

export interface MemoryIdempotencyStoreOptions {
  /** Most records kept; past it the oldest is dropped. @default 100000 */
  maxRecords?: number;
  /**
   * Most bytes of keys and stored results kept (UTF-16 code units, as held); past it the oldest
   * records are dropped, and a result larger than the whole bound is not kept. @default 67108864
   */
  maxBytes?: number;
  /** @default systemClock */
  clock?: Clock;
}

interface Held {
  record: IdempotencyRecord;
  expiresAt: number;
  /** The key's and the result's length, counted against `maxBytes`. */
  bytes: number;
}

export class MemoryIdempotencyStore implements IdempotencyStore {
  readonly #clock: Clock;
  readonly #max: number;
  readonly #maxBytes: number;
  #bytes = 0;
  /** In insertion order, which is creation order: the first entry is the oldest. */
  readonly #records = new Map<string, Held>();

  constructor(options: MemoryIdempotencyStoreOptions = {}) {
    const max = options.maxRecords ?? 100_000;
    if (!(Number.isSafeInteger(max) && max > 0)) {
      throw new TypeError(`Expected \`maxRecords\` to be a positive integer, got ${max}`);
    }
    const maxBytes = options.maxBytes ?? 67_108_864;
    if (!(Number.isSafeInteger(maxBytes) && maxBytes > 0)) {
      throw new TypeError(`Expected \`maxBytes\` to be a positive integer, got ${maxBytes}`);
    }
    this.#max = max;
    this.#maxBytes = maxBytes;
    this.#clock = options.clock ?? systemClock;
  }

  get size(): number {
    return this.#records.size;
  }

  /** Bytes of keys and results held now. */
  get bytes(): number {
    return this.#bytes;
  }

  async begin(key: string, fingerprint: string, ttlMs: number): Promise<IdempotencyBegin> {
    const existing = this.#live(key);
    if (existing) return { created: false, record: { ...existing.record } };
    if (this.#records.size >= this.#max) {
      const oldest = this.#records.keys().next().value;
      if (oldest !== undefined) this.#drop(oldest);
    }
    const now = this.#clock.now();
    this.#records.set(key, {
      record: { fingerprint, state: 'pending', createdAt: now },
      expiresAt: now + ttlMs,
      bytes: key.length,
    });
    this.#bytes += key.length;
    this.#fit(key);
    return { created: true };
  }

  async get(key: string): Promise<IdempotencyRecord | undefined> {
    const held = this.#live(key);
    return held && { ...held.record };
  }

  async complete(key: string, fingerprint: string, result: string, ttlMs: number) {
    const held = this.#live(key);
    if (!held || held.record.fingerprint !== fingerprint) return false;
    const bytes = key.length + result.length;
    if (bytes > this.#maxBytes) {
      // Too large to keep: the pending record goes too, so the key can be sent again.
      this.#drop(key);
      return false;
    }
    held.record = { ...held.record, state: 'complete', result };
    held.expiresAt = this.#clock.now() + ttlMs;
    this.#bytes += bytes - held.bytes;
    held.bytes = bytes;
    this.#fit(key);
    return true;
  }

  async release(key: string, fingerprint: string): Promise<void> {
    const held = this.#live(key);
    if (held?.record.fingerprint === fingerprint && held.record.state === 'pending') {
      this.#drop(key);
    }
  }

  /** Whether `key` is held here (live), for a store layered over this one. */
  has(key: string): boolean {
    return this.#live(key) !== undefined;
  }

  #live(key: string): Held | undefined {
    const held = this.#records.get(key);
    if (held && this.#clock.now() >= held.expiresAt) {
      this.#drop(key);
      return undefined;
    }
    return held;
  }

  #drop(key: string): void {
    const held = this.#records.get(key);
    if (!held) return;
    this.#records.delete(key);
    this.#bytes -= held.bytes;
  }

  /** Drops the oldest records, never `keep`, until the bytes held fit the bound. */
  #fit(keep: string): void {
    for (const key of this.#records.keys()) {
      if (this.#bytes <= this.#maxBytes) return;
      if (key !== keep) this.#drop(key);
    }
  }
}
