import { describe, expect, it } from 'vitest';
import { AdaptiveRate } from './adaptive-rate.ts';

describe('AdaptiveRate (AIMD)', () => {
  it('decreases multiplicatively, once per cooldown for a burst of 429s', () => {
    const a = new AdaptiveRate({ decrease: 0.5, cooldownMs: 1000 });
    expect(a.throttled(0)).toBe(true);
    expect(a.throttled(10)).toBe(false);
    expect(a.throttled(999)).toBe(false);
    expect(a.factor).toBe(0.5);
    expect(a.throttled(1000)).toBe(true);
    expect(a.factor).toBe(0.25);
  });

  it('grows back additively on clean answers, never above 1', () => {
    const a = new AdaptiveRate({ decrease: 0.5, increase: 0.1 });
    a.throttled(0);
    for (let i = 0; i < 4; i++) a.succeeded(10 + i);
    expect(a.factor).toBeCloseTo(0.9);
    for (let i = 0; i < 4; i++) a.succeeded(20 + i);
    expect(a.factor).toBe(1);
    expect(a.succeeded(30)).toBe(false);
  });

  it('never goes below minFactor', () => {
    const a = new AdaptiveRate({ decrease: 0.1, minFactor: 0.2, cooldownMs: 0 });
    a.throttled(0);
    a.throttled(1);
    expect(a.factor).toBe(0.2);
  });

  it('holds the rate after a Slow Down: no growth for slowDownHoldMs', () => {
    const a = new AdaptiveRate({ decrease: 0.5, increase: 0.1, slowDownHoldMs: 900_000 });
    a.throttled(0, true);
    expect(a.succeeded(899_999)).toBe(false);
    expect(a.factor).toBe(0.5);
    expect(a.succeeded(900_000)).toBe(true);
  });

  it('does nothing when disabled', () => {
    const a = new AdaptiveRate({ enabled: false });
    expect(a.throttled(0)).toBe(false);
    expect(a.factor).toBe(1);
  });
});
