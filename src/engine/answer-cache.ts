/**
 * The engine's view of the response cache: one `ResponseCache` over the configured store, with
 * each route's mode, TTL and staleness applied. Answers are kept in the caller's dialect, keyed
 * by the caller's request with the route name as the model, so "the last good answer for this
 * route" does not depend on which tier gave it.
 */
import { cacheKey } from '../cache/cache-key.ts';
import { isDeterministic } from '../cache/deterministic.ts';
import { ResponseCache, type ResponseCacheStats } from '../cache/response-cache.ts';
import type { ResolvedConfig, ResolvedRoute } from '../config/config-types.ts';
import type { Clock } from '../core/clock.ts';
import type { DialectName } from '../dialects/dialect-name.ts';
import { MemoryCacheStore } from '../store/memory-cache-store.ts';
import type { CachedAnswer, CacheStore } from '../store/store.ts';
import type { CallOptions } from './engine.ts';

export interface CachedHit {
  answer: unknown;
  stale: boolean;
}

export class AnswerCache {
  readonly #cache: ResponseCache | undefined;

  constructor(config: ResolvedConfig, clock: Clock, store?: CacheStore) {
    const used =
      config.policy.cache.mode !== 'off' ||
      [...config.routes.values()].some((r) => r.policy.cache.mode !== 'off');
    if (!used && !store) return;
    this.#cache = new ResponseCache({
      store: store ?? new MemoryCacheStore({ maxBytes: config.cacheMaxBytes, clock }),
      clock,
      ttlMs: config.policy.cache.ttlMs,
      allowStale: config.policy.cache.allowStale,
    });
  }

  stats(): ResponseCacheStats | undefined {
    return this.#cache?.stats();
  }

  /** The key for this call, or undefined when the route does not cache. */
  key(
    dialect: DialectName,
    request: Record<string, unknown>,
    route: ResolvedRoute,
    options: CallOptions,
  ): string | undefined {
    if (!this.#cache || route.policy.cache.mode === 'off') return undefined;
    return cacheKey(dialect, request, { tenant: options.tenant, model: route.name });
  }

  /** A fresh answer to serve before calling any provider (`always` mode, deterministic requests). */
  async serve(
    dialect: DialectName,
    request: Record<string, unknown>,
    route: ResolvedRoute,
    options: CallOptions,
    key: string | undefined,
  ): Promise<CachedHit | undefined> {
    if (!this.#cache || key === undefined || route.policy.cache.mode !== 'always') return undefined;
    const hit = await this.#cache.lookup(key, {
      mode: 'always',
      purpose: 'serve',
      deterministic: isDeterministic(dialect, request),
      noCache: options.noCache,
    });
    return hit && hit.dialect === dialect ? { answer: hit.response, stale: hit.stale } : undefined;
  }

  /** The last good answer, stale allowed when the route says so, after every tier failed. */
  async fallback(
    dialect: DialectName,
    route: ResolvedRoute,
    options: CallOptions,
    key: string | undefined,
  ): Promise<CachedHit | undefined> {
    if (!this.#cache || key === undefined) return undefined;
    const policy = route.policy.cache;
    const hit = await this.#cache.lookup(key, {
      mode: policy.mode,
      purpose: 'fallback',
      allowStale: policy.allowStale,
      noCache: options.noCache,
    });
    return hit && hit.dialect === dialect ? { answer: hit.response, stale: hit.stale } : undefined;
  }

  async store(
    dialect: DialectName,
    route: ResolvedRoute,
    options: CallOptions,
    key: string | undefined,
    answer: unknown,
  ): Promise<void> {
    if (!this.#cache || key === undefined) return;
    const entry = { dialect, response: answer } as CachedAnswer;
    await this.#cache.store(key, entry, {
      mode: route.policy.cache.mode,
      noStore: options.noStore,
      ttlMs: route.policy.cache.ttlMs,
    });
  }
}
