/**
 * The in-process `CacheStore`: an LRU bounded by bytes (lru-cache's `maxSize`), each entry held
 * as its serialized JSON. Holding the text rather than the object costs a parse per hit but
 * buys three things: the size bound counts what is really kept, a caller that mutates an answer
 * it read cannot corrupt the cache, and the memory store behaves exactly as Redis will.
 *
 * Freshness is ours, not lru-cache's: its TTL ends an entry's life (and reads its own clock),
 * while here expiry only marks an entry stale. So the store keeps `expiresAt` beside the text,
 * compares it with the injected clock, and lets lru-cache do what it is good at: recency order
 * and the byte bound. Stale entries stay until pushed out, or until `staleRetentionMs` passes.
 */
import { LRUCache } from 'lru-cache';
import { type Clock, systemClock } from '../core/clock.ts';
import { EventEmitter } from '../core/events.ts';
import type { CacheEntry, CacheEviction, CacheRead, CacheStore } from './store.ts';

export interface MemoryCacheStoreOptions {
  /** Upper bound of the serialized entries and their keys, in bytes. @default 67108864 (64 MiB) */
  maxBytes?: number;
  /** How long an expired entry stays servable as stale, in ms. @default Infinity (until evicted) */
  staleRetentionMs?: number;
  /** @default systemClock */
  clock?: Clock;
}

const MEMORY_CACHE_STORE_DEFAULTS = Object.freeze({
  maxBytes: 64 * 1024 * 1024,
  staleRetentionMs: Number.POSITIVE_INFINITY,
});

interface Held {
  json: string;
  expiresAt: number;
  /** Serialized bytes plus the key's, computed once at `set`. */
  bytes: number;
}

export class MemoryCacheStore implements CacheStore {
  readonly maxBytes: number;
  readonly staleRetentionMs: number;
  readonly #clock: Clock;
  readonly #lru: LRUCache<string, Held>;
  readonly #evictions = new EventEmitter<CacheEviction>();
  readonly onEvict = this.#evictions.event;

  constructor(options: MemoryCacheStoreOptions = {}) {
    const maxBytes = options.maxBytes ?? MEMORY_CACHE_STORE_DEFAULTS.maxBytes;
    const staleRetentionMs =
      options.staleRetentionMs ?? MEMORY_CACHE_STORE_DEFAULTS.staleRetentionMs;
    if (!(Number.isSafeInteger(maxBytes) && maxBytes > 0)) {
      throw new TypeError(`Expected \`maxBytes\` to be a positive integer, got ${maxBytes}`);
    }
    if (!(staleRetentionMs >= 0)) {
      throw new TypeError(
        `Expected \`staleRetentionMs\` to be a non-negative number, got ${staleRetentionMs}`,
      );
    }
    this.maxBytes = maxBytes;
    this.staleRetentionMs = staleRetentionMs;
    this.#clock = options.clock ?? systemClock;
    this.#lru = new LRUCache<string, Held>({
      maxSize: maxBytes,
      sizeCalculation: (held) => held.bytes,
      dispose: (_held, key, reason) => {
        if (reason === 'evict') this.#evictions.emit({ key, reason: 'capacity' });
      },
    });
  }

  /** Bytes held now (serialized entries plus keys). */
  get size(): number {
    return this.#lru.calculatedSize;
  }

  /** Entries held now, stale ones included. */
  get count(): number {
    return this.#lru.size;
  }

  async get(key: string): Promise<CacheRead | undefined> {
    const held = this.#lru.get(key);
    if (!held) return undefined;
    const now = this.#clock.now();
    if (now >= held.expiresAt + this.staleRetentionMs) {
      this.#lru.delete(key);
      this.#evictions.emit({ key, reason: 'expired' });
      return undefined;
    }
    return {
      entry: JSON.parse(held.json) as CacheEntry,
      expiresAt: held.expiresAt,
      stale: now >= held.expiresAt,
    };
  }

  async set(key: string, entry: CacheEntry, ttlMs: number): Promise<boolean> {
    const json = JSON.stringify(entry);
    const bytes = Buffer.byteLength(json) + Buffer.byteLength(key);
    if (bytes > this.maxBytes) {
      // lru-cache would drop it silently; say so, and do not leave an older answer behind.
      this.#lru.delete(key);
      return false;
    }
    this.#lru.set(key, { json, expiresAt: entry.storedAt + ttlMs, bytes });
    return true;
  }

  async delete(key: string): Promise<void> {
    this.#lru.delete(key);
  }

  async clear(): Promise<void> {
    this.#lru.clear();
  }
}
