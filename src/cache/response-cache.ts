/**
 * The response cache: the last good answer to each exact request, in the dialect it was given.
 *
 * Modes (a route's `cache.mode`):
 * - `off`: nothing is stored or served.
 * - `fallback`: every clean answer is stored; one is served only when every tier failed
 *   (`purpose: 'fallback'`) — a fresh entry always, a stale one when `allowStale`.
 * - `always`: as `fallback`, and a fresh entry is also served before asking the provider
 *   (`purpose: 'serve'`), for deterministic requests only (see `deterministic.ts`). A stale entry
 *   is never served ahead of the provider.
 *
 * Per request, `noCache` forbids serving a cached answer (even on total failure: the caller said
 * it wants none), `noStore` forbids keeping this answer, and `ttlMs` overrides the freshness
 * lifetime. The cache never fails a request: a store error counts as a miss (or a skipped store)
 * and is counted in `stats().errors`.
 */
import type { CacheMode } from '../config/config-types.ts';
import { type Clock, systemClock } from '../core/clock.ts';
import type { CachedAnswer, CacheStore } from '../store/store.ts';
import { isStorable } from './storable.ts';

export interface ResponseCacheOptions {
  store: CacheStore;
  /** @default systemClock */
  clock?: Clock;
  /** How long a stored answer stays fresh, in ms. @default 3600000 */
  ttlMs?: number;
  /** Serve an expired entry when every tier failed. @default true */
  allowStale?: boolean;
}

const RESPONSE_CACHE_DEFAULTS = Object.freeze({ ttlMs: 3_600_000, allowStale: true });

/** `serve`: before calling the provider. `fallback`: after every tier failed. */
type LookupPurpose = 'serve' | 'fallback';

export interface LookupOptions {
  mode: CacheMode;
  purpose: LookupPurpose;
  /** From `isDeterministic(...)`; `serve` lookups need it. @default false */
  deterministic?: boolean;
  /** Overrides the cache's `allowStale` (a route's policy). */
  allowStale?: boolean;
  /** The caller wants no cached answer (`Cache-Control: no-cache`). */
  noCache?: boolean;
}

export interface StoreOptions {
  mode: CacheMode;
  /** Do not keep this answer (`Cache-Control: no-store`). */
  noStore?: boolean;
  /** Freshness lifetime for this answer, in ms; overrides the cache's `ttlMs`. */
  ttlMs?: number;
}

export type CacheHit = CachedAnswer & {
  stale: boolean;
  /** Milliseconds since the answer was stored. */
  ageMs: number;
};

export interface ResponseCacheStats {
  /** Fresh entries served. */
  hits: number;
  /** Expired entries served on total failure. */
  staleHits: number;
  /** Lookups that could have been served but found no usable entry. */
  misses: number;
  /** Lookups skipped: mode, purpose, `noCache` or a non-deterministic request. */
  bypassed: number;
  stores: number;
  /** Answers refused as unclean (refusal, filter, truncation, empty). */
  rejected: number;
  /** Entries the store dropped by itself. */
  evictions: number;
  /** Store operations that threw. */
  errors: number;
}

function checkTtl(name: string, ttlMs: number): number {
  if (!(Number.isFinite(ttlMs) && ttlMs >= 0)) {
    throw new TypeError(`Expected \`${name}\` to be a non-negative number of ms, got ${ttlMs}`);
  }
  return ttlMs;
}

export class ResponseCache {
  readonly ttlMs: number;
  readonly allowStale: boolean;
  readonly #store: CacheStore;
  readonly #clock: Clock;
  readonly #stats: ResponseCacheStats = {
    hits: 0,
    staleHits: 0,
    misses: 0,
    bypassed: 0,
    stores: 0,
    rejected: 0,
    evictions: 0,
    errors: 0,
  };

  constructor(options: ResponseCacheOptions) {
    this.#store = options.store;
    this.#clock = options.clock ?? systemClock;
    this.ttlMs = checkTtl('ttlMs', options.ttlMs ?? RESPONSE_CACHE_DEFAULTS.ttlMs);
    this.allowStale = options.allowStale ?? RESPONSE_CACHE_DEFAULTS.allowStale;
    this.#store.onEvict?.(() => {
      this.#stats.evictions++;
    });
  }

  /** The cached answer for `key`, if this lookup may be served one. */
  async lookup(key: string, options: LookupOptions): Promise<CacheHit | undefined> {
    if (!this.#mayServe(options)) {
      this.#stats.bypassed++;
      return undefined;
    }
    let read: Awaited<ReturnType<CacheStore['get']>>;
    try {
      read = await this.#store.get(key);
    } catch {
      this.#stats.errors++;
      read = undefined;
    }
    const staleAllowed = options.purpose === 'fallback' && (options.allowStale ?? this.allowStale);
    if (!read || (read.stale && !staleAllowed)) {
      this.#stats.misses++;
      return undefined;
    }
    if (read.stale) this.#stats.staleHits++;
    else this.#stats.hits++;
    const ageMs = Math.max(0, this.#clock.now() - read.entry.storedAt);
    const { storedAt: _storedAt, ...answer } = read.entry;
    return { ...answer, stale: read.stale, ageMs };
  }

  /**
   * Keeps a final answer (a non-streaming response, or a stream folded into one) when the mode
   * allows it and the answer completed cleanly. Resolves whether it was stored.
   */
  async store(key: string, answer: CachedAnswer, options: StoreOptions): Promise<boolean> {
    if (options.mode === 'off' || options.noStore) return false;
    if (!isStorable(answer)) {
      this.#stats.rejected++;
      return false;
    }
    const ttlMs = options.ttlMs === undefined ? this.ttlMs : checkTtl('ttlMs', options.ttlMs);
    try {
      const stored = await this.#store.set(key, { ...answer, storedAt: this.#clock.now() }, ttlMs);
      if (stored) this.#stats.stores++;
      return stored;
    } catch {
      this.#stats.errors++;
      return false;
    }
  }

  /** Forgets the answer under `key`. */
  async delete(key: string): Promise<void> {
    await this.#store.delete(key);
  }

  /** A copy of the counters. */
  stats(): ResponseCacheStats {
    return { ...this.#stats };
  }

  #mayServe(options: LookupOptions): boolean {
    if (options.mode === 'off' || options.noCache) return false;
    if (options.purpose === 'fallback') return true;
    return options.mode === 'always' && options.deterministic === true;
  }
}
