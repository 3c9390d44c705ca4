import { inspect } from 'node:util';
import { describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../core/clock.ts';
import { isBreakwaterError } from '../errors/index.ts';
import { KEY_POOL_DEFAULTS, KeyPool } from './key-pool.ts';

const SECRET = 'sk-secret';

function exposed(pool: KeyPool): string {
  return [
    String(pool),
    `${pool}`,
    JSON.stringify(pool),
    inspect(pool),
    inspect({ pool }, { showHidden: true, depth: 5 }),
  ].join('\n');
}

describe('KeyPool: none and a single key', () => {
  it('has no key when none is configured', async () => {
    const pool = new KeyPool(undefined);
    expect(pool.kind).toBe('none');
    expect(await pool.current()).toBeUndefined();
    expect(await pool.rotate()).toBeUndefined();
    expect(new KeyPool('').kind).toBe('none');
    expect(new KeyPool([]).kind).toBe('none');
  });

  it('always hands out the one key; rotation has nowhere to go', async () => {
    const pool = new KeyPool(`${SECRET}-1`);
    expect(pool.kind).toBe('single');
    expect(await pool.current()).toBe(`${SECRET}-1`);
    expect(await pool.current()).toBe(`${SECRET}-1`);
    expect(await pool.rotate()).toBeUndefined();
    expect(await pool.current()).toBe(`${SECRET}-1`);
  });
});

describe('KeyPool: a list', () => {
  it('hands out keys round robin', async () => {
    const pool = new KeyPool(['a', 'b', 'c']);
    expect(pool.kind).toBe('list');
    const seen = [];
    for (let i = 0; i < 7; i++) seen.push(await pool.current());
    expect(seen).toEqual(['a', 'b', 'c', 'a', 'b', 'c', 'a']);
  });

  it('hands out listed keys without a wait too, in the same rotation', async () => {
    const pool = new KeyPool(['a', 'b']);
    expect([pool.currentListed(), await pool.current(), pool.currentListed()]).toEqual([
      'a',
      'b',
      'a',
    ]);
    expect(() => new KeyPool(() => 'k').currentListed()).toThrow(/current\(\)/);
  });

  it('drops blanks and duplicates', () => {
    expect(new KeyPool(['a', ' ', 'a', 'b ']).size).toBe(2);
  });

  it('after a 401, leaves the failed key out for the cool-down and moves on', async () => {
    const clock = new ManualClock();
    const pool = new KeyPool(['a', 'b', 'c'], { clock, coolDownMs: 1000 });
    expect(await pool.current()).toBe('a');
    expect(await pool.rotate('a')).toBe('b');
    expect(pool.coolingDown).toBe(1);
    const seen = [];
    for (let i = 0; i < 4; i++) seen.push(await pool.current());
    expect(seen).toEqual(['c', 'b', 'c', 'b']);
    await clock.advance(1000);
    expect(pool.coolingDown).toBe(0);
    const after = [];
    for (let i = 0; i < 3; i++) after.push(await pool.current());
    expect(after.sort()).toEqual(['a', 'b', 'c']);
  });

  it('marks the key last handed out when none is named', async () => {
    const pool = new KeyPool(['a', 'b'], { clock: new ManualClock() });
    expect(await pool.current()).toBe('a');
    expect(await pool.rotate()).toBe('b');
    expect(await pool.current()).toBe('b');
    expect(await pool.current()).toBe('b');
  });

  it('returns undefined when no other key is healthy, yet current() still hands one out', async () => {
    const clock = new ManualClock();
    const pool = new KeyPool(['a', 'b'], { clock, coolDownMs: 1000 });
    expect(await pool.rotate('a')).toBe('b');
    await clock.advance(10);
    expect(await pool.rotate('b')).toBeUndefined();
    expect(pool.coolingDown).toBe(2);
    // The key that recovers first.
    expect(await pool.current()).toBe('a');
  });

  it('uses the default cool-down and rejects a bad one by name', () => {
    expect(new KeyPool(['a', 'b']).coolDownMs).toBe(KEY_POOL_DEFAULTS.coolDownMs);
    expect(() => new KeyPool(['a'], { coolDownMs: -1 })).toThrow(/`coolDownMs`/);
  });
});

describe('KeyPool: a function', () => {
  it('calls the function once and caches its value, even for concurrent callers', async () => {
    const fn = vi.fn(async () => 'k1');
    const pool = new KeyPool(fn);
    expect(pool.kind).toBe('function');
    expect(await Promise.all([pool.current(), pool.current()])).toEqual(['k1', 'k1']);
    expect(await pool.current()).toBe('k1');
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it('rotate() calls it again exactly once, shared by concurrent callers', async () => {
    let n = 0;
    const fn = vi.fn(async () => `k${++n}`);
    const pool = new KeyPool(fn);
    expect(await pool.current()).toBe('k1');
    const rotated = await Promise.all([
      pool.rotate('k1'),
      pool.rotate('k1'),
      pool.rotate(),
      pool.current(),
    ]);
    expect(rotated).toEqual(['k2', 'k2', 'k2', 'k2']);
    expect(fn).toHaveBeenCalledTimes(2);
    expect(await pool.current()).toBe('k2');
  });

  it('a late caller whose key was already replaced gets the new key without another call', async () => {
    let n = 0;
    const fn = vi.fn(() => `k${++n}`);
    const pool = new KeyPool(fn);
    await pool.current();
    expect(await pool.rotate('k1')).toBe('k2');
    expect(await pool.rotate('k1')).toBe('k2');
    expect(fn).toHaveBeenCalledTimes(2);
  });

  it('returns undefined when the function hands back the same key', async () => {
    const fn = vi.fn(() => 'same');
    const pool = new KeyPool(fn);
    expect(await pool.current()).toBe('same');
    expect(await pool.rotate('same')).toBeUndefined();
    expect(fn).toHaveBeenCalledTimes(2);
  });

  it('wraps a failing or empty function without the key and keeps the old key', async () => {
    let fail = false;
    const pool = new KeyPool(
      () => {
        if (fail) throw new Error('vault unreachable');
        return `${SECRET}-f`;
      },
      { name: 'openai' },
    );
    expect(await pool.current()).toBe(`${SECRET}-f`);
    fail = true;
    const err = await pool.rotate().catch((e: unknown) => e);
    expect(isBreakwaterError(err)).toBe(true);
    expect(err).toMatchObject({ code: 'authentication', provider: 'openai' });
    expect((err as Error).message).toBe(
      'the apiKey function of provider openai failed (see cause)',
    );
    expect(await pool.current()).toBe(`${SECRET}-f`);

    const empty = await new KeyPool(() => ' ').current().catch((e: unknown) => e);
    expect((empty as Error).message).toBe(
      'the apiKey function returned an empty string; expected a non-empty string',
    );
  });

  it('retries the first call after a failure', async () => {
    const fn = vi.fn().mockRejectedValueOnce(new Error('x')).mockResolvedValueOnce('k');
    const pool = new KeyPool(fn);
    await expect(pool.current()).rejects.toThrow();
    expect(await pool.current()).toBe('k');
  });
});

describe('KeyPool never shows a key', () => {
  it('in toString, toJSON or util.inspect', async () => {
    const clock = new ManualClock();
    const pools = [
      new KeyPool(`${SECRET}-single`, { name: 'openai' }),
      new KeyPool([`${SECRET}-a`, `${SECRET}-b`], { name: 'anthropic', clock }),
      new KeyPool(() => `${SECRET}-fn`),
    ];
    for (const pool of pools) await pool.current();
    await pools[1]!.rotate();
    for (const pool of pools) expect(exposed(pool)).not.toContain(SECRET);
    expect(String(pools[1])).toBe('KeyPool(anthropic: 2 keys, 1 cooling down)');
    expect(pools[0]!.toJSON()).toEqual({ name: 'openai', kind: 'single', size: 1, coolingDown: 0 });
    expect(inspect(pools[2])).toBe('KeyPool(key function)');
  });
});
