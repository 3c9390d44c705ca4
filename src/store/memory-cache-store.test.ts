import { describe, expect, it } from 'vitest';
import { ManualClock } from '../core/clock.ts';
import type { ChatCompletion } from '../dialects/openai/types.ts';
import { MemoryCacheStore } from './memory-cache-store.ts';
import type { CacheEntry, CacheEviction } from './store.ts';

function entry(text: string, storedAt = 0): CacheEntry {
  const response: ChatCompletion = {
    id: 'chatcmpl-1',
    object: 'chat.completion',
    created: 1_700_000_000,
    model: 'gpt-4o',
    choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }],
  };
  return { dialect: 'openai', response, storedAt };
}

function bytesOf(key: string, e: CacheEntry): number {
  return Buffer.byteLength(JSON.stringify(e)) + Buffer.byteLength(key);
}

describe('MemoryCacheStore', () => {
  it('returns a copy: mutating what was read does not change the cache', async () => {
    const store = new MemoryCacheStore({ clock: new ManualClock() });
    await store.set('k', entry('hello'), 1000);
    const first = await store.get('k');
    if (first?.entry.dialect !== 'openai') throw new Error('expected an openai entry');
    first.entry.response.id = 'changed';
    const second = await store.get('k');
    expect(second?.entry.response.id).toBe('chatcmpl-1');
  });

  it('marks an entry stale after its ttl and keeps serving it until evicted', async () => {
    const clock = new ManualClock(10_000);
    const store = new MemoryCacheStore({ clock });
    await store.set('k', entry('hello', clock.now()), 1000);
    expect(await store.get('k')).toMatchObject({ stale: false, expiresAt: 11_000 });
    await clock.advance(999);
    expect((await store.get('k'))?.stale).toBe(false);
    await clock.advance(1);
    expect((await store.get('k'))?.stale).toBe(true);
    await clock.advance(365 * 24 * 3_600_000);
    expect((await store.get('k'))?.stale).toBe(true);
  });

  it('drops an entry stale for longer than staleRetentionMs, reporting it as expired', async () => {
    const clock = new ManualClock();
    const store = new MemoryCacheStore({ clock, staleRetentionMs: 500 });
    const evicted: CacheEviction[] = [];
    store.onEvict((e) => evicted.push(e));
    await store.set('k', entry('hello'), 1000);
    await clock.advance(1499);
    expect((await store.get('k'))?.stale).toBe(true);
    await clock.advance(1);
    expect(await store.get('k')).toBeUndefined();
    expect(evicted).toEqual([{ key: 'k', reason: 'expired' }]);
    expect(store.count).toBe(0);
  });

  it('stays within maxBytes, evicting the least recently used entries', async () => {
    const one = bytesOf('a', entry('x'.repeat(100)));
    const store = new MemoryCacheStore({ clock: new ManualClock(), maxBytes: one * 3 });
    const evicted: CacheEviction[] = [];
    store.onEvict((e) => evicted.push(e));
    for (const key of ['a', 'b', 'c']) await store.set(key, entry('x'.repeat(100)), 1000);
    expect(store.size).toBe(one * 3);
    await store.get('a'); // a is now the most recently used; b is the oldest
    await store.set('d', entry('x'.repeat(100)), 1000);
    expect(store.size).toBeLessThanOrEqual(one * 3);
    expect(await store.get('b')).toBeUndefined();
    expect(await store.get('a')).toBeDefined();
    expect(await store.get('d')).toBeDefined();
    expect(evicted).toEqual([{ key: 'b', reason: 'capacity' }]);
  });

  it('counts bytes, not characters', async () => {
    const store = new MemoryCacheStore({ clock: new ManualClock() });
    await store.set('k', entry('é'.repeat(50)), 1000);
    expect(store.size).toBe(bytesOf('k', entry('é'.repeat(50))));
    expect(store.size).toBeGreaterThan(JSON.stringify(entry('é'.repeat(50))).length);
  });

  it('refuses an entry larger than the whole store and drops the older one under its key', async () => {
    const store = new MemoryCacheStore({ clock: new ManualClock(), maxBytes: 400 });
    expect(await store.set('k', entry('small'), 1000)).toBe(true);
    expect(await store.set('k', entry('x'.repeat(1000)), 1000)).toBe(false);
    expect(await store.get('k')).toBeUndefined();
  });

  it('deletes and clears without reporting evictions', async () => {
    const store = new MemoryCacheStore({ clock: new ManualClock() });
    const evicted: CacheEviction[] = [];
    store.onEvict((e) => evicted.push(e));
    await store.set('a', entry('1'), 1000);
    await store.set('b', entry('2'), 1000);
    await store.delete('a');
    expect(await store.get('a')).toBeUndefined();
    await store.clear();
    expect(await store.get('b')).toBeUndefined();
    expect(store.size).toBe(0);
    expect(evicted).toEqual([]);
  });

  it('names the option it rejects', () => {
    expect(() => new MemoryCacheStore({ maxBytes: 0 })).toThrow(/`maxBytes`/);
    expect(() => new MemoryCacheStore({ maxBytes: 1.5 })).toThrow(/`maxBytes`/);
    expect(() => new MemoryCacheStore({ staleRetentionMs: -1 })).toThrow(/`staleRetentionMs`/);
  });
});
