import { describe, expect, it } from 'vitest';
import { ManualClock } from '../core/clock.ts';
import { MemoryIdempotencyStore } from './memory-idempotency-store.ts';

describe('MemoryIdempotencyStore', () => {
  it('creates a record once, hands the existing one to a duplicate, completes and expires it', async () => {
    const clock = new ManualClock(1_000);
    const store = new MemoryIdempotencyStore({ clock });
    expect(await store.begin('k', 'fp', 60_000)).toEqual({ created: true });
    expect(await store.begin('k', 'fp', 60_000)).toEqual({
      created: false,
      record: { fingerprint: 'fp', state: 'pending', createdAt: 1_000 },
    });
    expect(await store.complete('k', 'other', 'x', 60_000)).toBe(false);
    expect(await store.complete('k', 'fp', '{"ok":1}', 120_000)).toBe(true);
    expect(await store.get('k')).toMatchObject({ state: 'complete', result: '{"ok":1}' });
    await clock.advance(119_999);
    expect(await store.get('k')).toBeDefined();
    await clock.advance(1);
    expect(await store.get('k')).toBeUndefined();
    expect(await store.begin('k', 'fp2', 1_000)).toEqual({ created: true });
  });

  it('releases only a pending record of the same fingerprint', async () => {
    const store = new MemoryIdempotencyStore({ clock: new ManualClock() });
    await store.begin('k', 'fp', 1_000);
    await store.release('k', 'other');
    expect(await store.get('k')).toBeDefined();
    await store.release('k', 'fp');
    expect(await store.get('k')).toBeUndefined();
    await store.begin('k', 'fp', 1_000);
    await store.complete('k', 'fp', 'r', 1_000);
    await store.release('k', 'fp');
    expect(await store.get('k')).toMatchObject({ state: 'complete' });
  });

  it('drops the oldest record past its bound', async () => {
    const store = new MemoryIdempotencyStore({ clock: new ManualClock(), maxRecords: 2 });
    await store.begin('a', 'f', 1_000);
    await store.begin('b', 'f', 1_000);
    await store.begin('c', 'f', 1_000);
    expect(store.size).toBe(2);
    expect(await store.get('a')).toBeUndefined();
    expect(() => new MemoryIdempotencyStore({ maxRecords: 0 })).toThrow(/maxRecords/);
  });

  it('stays within maxBytes, oldest first, and keeps no result larger than the bound', async () => {
    const store = new MemoryIdempotencyStore({ clock: new ManualClock(), maxBytes: 100 });
    for (const key of ['a', 'b', 'c']) await store.begin(key, 'f', 1_000);
    expect(await store.complete('a', 'f', 'x'.repeat(40), 1_000)).toBe(true);
    expect(await store.complete('b', 'f', 'y'.repeat(40), 1_000)).toBe(true);
    expect(await store.complete('c', 'f', 'z'.repeat(40), 1_000)).toBe(true);
    expect(store.bytes).toBeLessThanOrEqual(100);
    expect(await store.get('a')).toBeUndefined();
    expect(await store.get('c')).toMatchObject({ state: 'complete' });
    await store.begin('d', 'f', 1_000);
    expect(await store.complete('d', 'f', 'w'.repeat(200), 1_000)).toBe(false);
    expect(await store.get('d')).toBeUndefined();
    expect(() => new MemoryIdempotencyStore({ maxBytes: 0 })).toThrow(/maxBytes/);
  });
});
