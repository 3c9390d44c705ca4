import { describe, expect, it } from 'vitest';
import { ManualClock } from '../core/clock.ts';
import { completion, message } from '../dialects/answers.fixture.ts';
import { MemoryCacheStore } from '../store/memory-cache-store.ts';
import type { CacheStore } from '../store/store.ts';
import { ResponseCache, type ResponseCacheOptions } from './response-cache.ts';

const answer = { dialect: 'openai' as const, response: completion() };

function setup(options: Partial<ResponseCacheOptions> & { maxBytes?: number } = {}) {
  const clock = new ManualClock(1_000_000);
  const store = new MemoryCacheStore({ clock, maxBytes: options.maxBytes });
  const cache = new ResponseCache({ store, clock, ttlMs: 60_000, ...options });
  return { clock, store, cache };
}

describe('ResponseCache modes', () => {
  it('off: stores nothing and serves nothing', async () => {
    const { cache, store } = setup();
    expect(await cache.store('k', answer, { mode: 'off' })).toBe(false);
    expect(store.count).toBe(0);
    await store.set('k', { ...answer, storedAt: 1_000_000 }, 60_000);
    expect(await cache.lookup('k', { mode: 'off', purpose: 'fallback' })).toBeUndefined();
    expect(cache.stats()).toMatchObject({ stores: 0, hits: 0, bypassed: 1 });
  });

  it('fallback: stores every clean answer, serves it only when every tier failed', async () => {
    const { cache } = setup();
    expect(await cache.store('k', answer, { mode: 'fallback' })).toBe(true);
    const serve = { mode: 'fallback' as const, purpose: 'serve' as const, deterministic: true };
    expect(await cache.lookup('k', serve)).toBeUndefined();
    expect(await cache.lookup('k', { mode: 'fallback', purpose: 'fallback' })).toMatchObject({
      dialect: 'openai',
      response: completion(),
      stale: false,
      ageMs: 0,
    });
    expect(cache.stats()).toMatchObject({ stores: 1, hits: 1, bypassed: 1, misses: 0 });
  });

  it('always: serves fresh hits ahead of the provider, for deterministic requests only', async () => {
    const { cache, clock } = setup();
    await cache.store('k', answer, { mode: 'always' });
    await clock.advance(5000);
    const hit = await cache.lookup('k', { mode: 'always', purpose: 'serve', deterministic: true });
    expect(hit).toMatchObject({ stale: false, ageMs: 5000 });
    expect(await cache.lookup('k', { mode: 'always', purpose: 'serve' })).toBeUndefined();
    expect(
      await cache.lookup('k', { mode: 'always', purpose: 'serve', deterministic: false }),
    ).toBeUndefined();
    expect(cache.stats()).toMatchObject({ hits: 1, bypassed: 2 });
  });

  it('always: never serves a stale entry ahead of the provider, but does on total failure', async () => {
    const { cache, clock } = setup();
    await cache.store('k', answer, { mode: 'always' });
    await clock.advance(60_000);
    expect(
      await cache.lookup('k', { mode: 'always', purpose: 'serve', deterministic: true }),
    ).toBeUndefined();
    expect(await cache.lookup('k', { mode: 'always', purpose: 'fallback' })).toMatchObject({
      stale: true,
      ageMs: 60_000,
    });
    expect(cache.stats()).toMatchObject({ misses: 1, staleHits: 1, hits: 0 });
  });

  it('a miss is counted when a lookup could have been served', async () => {
    const { cache } = setup();
    expect(
      await cache.lookup('nothing', { mode: 'fallback', purpose: 'fallback' }),
    ).toBeUndefined();
    expect(cache.stats().misses).toBe(1);
  });
});

describe('ResponseCache staleness', () => {
  it('serves a stale entry on total failure only when allowStale', async () => {
    const { cache, clock } = setup({ allowStale: false });
    await cache.store('k', answer, { mode: 'fallback' });
    await clock.advance(59_999);
    expect(await cache.lookup('k', { mode: 'fallback', purpose: 'fallback' })).toMatchObject({
      stale: false,
    });
    await clock.advance(1);
    expect(await cache.lookup('k', { mode: 'fallback', purpose: 'fallback' })).toBeUndefined();
    // A route's policy overrides the cache-wide setting.
    expect(
      await cache.lookup('k', { mode: 'fallback', purpose: 'fallback', allowStale: true }),
    ).toMatchObject({ stale: true, ageMs: 60_000 });
  });

  it('honours a per-request ttl', async () => {
    const { cache, clock } = setup();
    await cache.store('short', answer, { mode: 'always', ttlMs: 1000 });
    await cache.store('long', answer, { mode: 'always' });
    await clock.advance(1000);
    const serve = { mode: 'always' as const, purpose: 'serve' as const, deterministic: true };
    expect(await cache.lookup('short', serve)).toBeUndefined();
    expect(await cache.lookup('long', serve)).toBeDefined();
    await expect(cache.store('k', answer, { mode: 'always', ttlMs: -1 })).rejects.toThrow(
      /`ttlMs`/,
    );
  });
});

describe('ResponseCache per-request bypass', () => {
  it('no-cache: never serves, still stores', async () => {
    const { cache } = setup();
    await cache.store('k', answer, { mode: 'always' });
    const serve = { mode: 'always' as const, deterministic: true, noCache: true };
    expect(await cache.lookup('k', { ...serve, purpose: 'serve' })).toBeUndefined();
    expect(await cache.lookup('k', { ...serve, purpose: 'fallback' })).toBeUndefined();
    expect(cache.stats()).toMatchObject({ bypassed: 2, stores: 1 });
  });

  it('no-store: does not keep the answer', async () => {
    const { cache } = setup();
    expect(await cache.store('k', answer, { mode: 'always', noStore: true })).toBe(false);
    expect(await cache.lookup('k', { mode: 'always', purpose: 'fallback' })).toBeUndefined();
  });
});

describe('ResponseCache storing', () => {
  it('refuses refusals, filtered and truncated answers', async () => {
    const { cache, store } = setup();
    const bad = [
      { dialect: 'openai' as const, response: completion({ finish_reason: 'content_filter' }) },
      { dialect: 'openai' as const, response: completion({ finish_reason: null }) },
      { dialect: 'anthropic' as const, response: message({ stop_reason: 'refusal' }) },
    ];
    for (const a of bad) expect(await cache.store('k', a, { mode: 'fallback' })).toBe(false);
    expect(store.count).toBe(0);
    expect(cache.stats()).toMatchObject({ rejected: 3, stores: 0 });
  });

  it('keeps the dialect of the answer', async () => {
    const { cache } = setup();
    await cache.store('k', { dialect: 'anthropic', response: message() }, { mode: 'fallback' });
    const hit = await cache.lookup('k', { mode: 'fallback', purpose: 'fallback' });
    expect(hit?.dialect).toBe('anthropic');
    expect(hit?.response).toEqual(message());
  });

  it('counts the store evictions made to stay within its byte bound', async () => {
    const size = Buffer.byteLength(JSON.stringify({ ...answer, storedAt: 1_000_000 })) + 2;
    const { cache } = setup({ maxBytes: size * 2 });
    for (const key of ['k1', 'k2', 'k3', 'k4'])
      await cache.store(key, answer, { mode: 'fallback' });
    expect(cache.stats()).toMatchObject({ stores: 4, evictions: 2 });
    expect(await cache.lookup('k1', { mode: 'fallback', purpose: 'fallback' })).toBeUndefined();
    expect(await cache.lookup('k4', { mode: 'fallback', purpose: 'fallback' })).toBeDefined();
  });

  it('never fails a request when the store does', async () => {
    const broken: CacheStore = {
      get: () => Promise.reject(new Error('ECONNREFUSED')),
      set: () => Promise.reject(new Error('ECONNREFUSED')),
      delete: () => Promise.reject(new Error('ECONNREFUSED')),
      clear: () => Promise.reject(new Error('ECONNREFUSED')),
    };
    const cache = new ResponseCache({ store: broken, clock: new ManualClock() });
    expect(await cache.store('k', answer, { mode: 'fallback' })).toBe(false);
    expect(await cache.lookup('k', { mode: 'fallback', purpose: 'fallback' })).toBeUndefined();
    expect(cache.stats()).toMatchObject({ errors: 2, misses: 1 });
  });

  it('names the option it rejects', () => {
    const store = new MemoryCacheStore();
    expect(() => new ResponseCache({ store, ttlMs: Number.NaN })).toThrow(/`ttlMs`/);
  });
});
