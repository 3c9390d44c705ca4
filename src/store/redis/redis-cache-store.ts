/**
 * The response cache in Redis: one string per answer, `<expiresAt>\n<entry JSON>`, kept for its
 * freshness lifetime plus `staleRetentionMs` (so the fallback chain can serve a stale answer) and
 * bounded as a whole by the Redis server's own `maxmemory` policy. While Redis is down (or was
 * found down by another part) every call goes to a local in-memory cache instead, so a gateway
 * keeps serving and storing answers on its own view until Redis answers again.
 */
import type { Clock } from '../../core/clock.ts';
import { MemoryCacheStore } from '../memory-cache-store.ts';
import type { CacheEntry, CacheRead, CacheStore } from '../store.ts';
import type { StoreHealth } from '../store-health.ts';
import { RedisConnection } from './redis-connection.ts';
import type { RedisKeys } from './redis-keys.ts';

export interface RedisCacheStoreOptions {
  /** How long an expired answer stays servable as stale, in ms. @default 86400000 (a day) */
  staleRetentionMs?: number;
  /** The bound of the local cache used while Redis is down, in bytes. @default 67108864 */
  localMaxBytes?: number;
}

export class RedisCacheStore implements CacheStore {
  readonly #connection: RedisConnection;
  readonly #keys: RedisKeys;
  readonly #health: StoreHealth;
  readonly #clock: Clock;
  readonly #staleRetentionMs: number;
  readonly #local: MemoryCacheStore;

  constructor(
    connection: RedisConnection,
    keys: RedisKeys,
    health: StoreHealth,
    clock: Clock,
    options: RedisCacheStoreOptions = {},
  ) {
    this.#connection = connection;
    this.#keys = keys;
    this.#health = health;
    this.#clock = clock;
    this.#staleRetentionMs = options.staleRetentionMs ?? 86_400_000;
    this.#local = new MemoryCacheStore({
      maxBytes: options.localMaxBytes,
      staleRetentionMs: this.#staleRetentionMs,
      clock,
    });
  }

  async get(key: string): Promise<CacheRead | undefined> {
    if (this.#health.degraded) return this.#local.get(key);
    let text: string | null;
    try {
      text = await this.#connection.client.get(this.#keys.cache(key));
    } catch (error) {
      this.#connection.fail(RedisConnection.reason(error));
      return this.#local.get(key);
    }
    if (text === null) return undefined;
    const cut = text.indexOf('\n');
    const expiresAt = Number(text.slice(0, cut));
    return {
      entry: JSON.parse(text.slice(cut + 1)) as CacheEntry,
      expiresAt,
      stale: this.#clock.now() >= expiresAt,
    };
  }

  async set(key: string, entry: CacheEntry, ttlMs: number): Promise<boolean> {
    if (this.#health.degraded) return this.#local.set(key, entry, ttlMs);
    const expiresAt = entry.storedAt + ttlMs;
    const keepMs = Math.max(1, Math.ceil(expiresAt + this.#staleRetentionMs - this.#clock.now()));
    try {
      await this.#connection.client.set(
        this.#keys.cache(key),
        `${expiresAt}\n${JSON.stringify(entry)}`,
        'PX',
        keepMs,
      );
      return true;
    } catch (error) {
      this.#connection.fail(RedisConnection.reason(error));
      return this.#local.set(key, entry, ttlMs);
    }
  }

  async delete(key: string): Promise<void> {
    await this.#local.delete(key);
    if (this.#health.degraded) return;
    try {
      await this.#connection.client.unlink(this.#keys.cache(key));
    } catch (error) {
      this.#connection.fail(RedisConnection.reason(error));
    }
  }

  /** Removes every cached answer under the prefix (a SCAN, in batches). */
  async clear(): Promise<void> {
    await this.#local.clear();
    const client = this.#connection.client;
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(
        cursor,
        'MATCH',
        this.#keys.cachePattern,
        'COUNT',
        500,
      );
      cursor = next;
      if (keys.length > 0) await client.unlink(...keys);
    } while (cursor !== '0');
  }
}
