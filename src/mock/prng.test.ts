import { describe, expect, it } from 'vitest';
import { deriveSeed, mulberry32 } from './prng.ts';

describe('mulberry32', () => {
  it('repeats its sequence for a seed and differs across seeds', () => {
    const take = (seed: number) => Array.from({ length: 5 }, mulberry32(seed).next);
    expect(take(1)).toEqual(take(1));
    expect(take(1)).not.toEqual(take(2));
    for (const n of take(3)) expect(n >= 0 && n < 1).toBe(true);
  });

  it('draws integers within bounds, both ends reachable', () => {
    const r = mulberry32(9);
    const seen = new Set(Array.from({ length: 500 }, () => r.int(2, 4)));
    expect([...seen].sort()).toEqual([2, 3, 4]);
  });
});

describe('deriveSeed', () => {
  it('is stable and separates its parts', () => {
    expect(deriveSeed(1, 'gpt-4o', 0)).toBe(deriveSeed(1, 'gpt-4o', 0));
    expect(deriveSeed(1, 'gpt-4o', 0)).not.toBe(deriveSeed(1, 'gpt-4o', 1));
    expect(deriveSeed('ab', 'c')).not.toBe(deriveSeed('a', 'bc'));
  });
});
