import { describe, expect, it } from 'vitest';
import { FullJitterBackoff, retryDelayMs } from './backoff.ts';

describe('FullJitterBackoff', () => {
  const backoff = new FullJitterBackoff();

  it('stays within random(0, base * 2^retry), capped at 60 s', () => {
    for (let retry = 0; retry < 12; retry++) {
      const ceiling = Math.min(60_000, 1000 * 2 ** retry);
      expect(backoff.delayMs(retry, () => 0)).toBe(0);
      expect(backoff.delayMs(retry, () => 0.999999)).toBeLessThan(ceiling);
      expect(backoff.delayMs(retry, () => 0.999999)).toBeGreaterThan(ceiling * 0.99);
    }
  });

  it('spreads waits over the whole range', () => {
    let seed = 1;
    const random = () => {
      seed = (seed * 16807) % 2147483647;
      return seed / 2147483647;
    };
    const waits = Array.from({ length: 2000 }, () => backoff.delayMs(2, random));
    expect(Math.min(...waits)).toBeLessThan(200);
    expect(Math.max(...waits)).toBeGreaterThan(3800);
    expect(Math.max(...waits)).toBeLessThanOrEqual(4000);
  });

  it('rejects options that make no sense, naming them', () => {
    expect(() => new FullJitterBackoff({ baseMs: 0 })).toThrow('`baseMs`');
    expect(() => new FullJitterBackoff({ baseMs: 100, capMs: 10 })).toThrow('`capMs`');
  });
});

describe('retryDelayMs', () => {
  const backoff = new FullJitterBackoff();

  it('takes the server’s Retry-After as a floor, with at most 10% (≤ 1 s) jitter above it', () => {
    expect(retryDelayMs(backoff, 0, 5000, () => 0)).toBe(5000);
    expect(retryDelayMs(backoff, 0, 5000, () => 0.99)).toBeLessThanOrEqual(5500);
    expect(retryDelayMs(backoff, 0, 30_000, () => 0.99)).toBeLessThanOrEqual(31_000);
  });

  it('keeps the backoff when it is longer than Retry-After', () => {
    expect(retryDelayMs(backoff, 5, 100, () => 0.5)).toBe(16_000);
  });
});
