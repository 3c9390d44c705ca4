import { describe, expect, it } from 'vitest';
import { ManualClock } from '../core/clock.ts';
import { adoptHeaders } from './header-adoption.ts';
import { LimitBuckets } from './limit-buckets.ts';
import type { Dimension } from './request-cost.ts';

const none = new Set<Dimension>();

describe('adoptHeaders', () => {
  it('lowers a bucket to what the provider says is left plus its refill since the request left', () => {
    const clock = new ManualClock(10_000);
    const b = new LimitBuckets({ tokens: 60_000 }, clock); // full: 60,000
    const r = adoptHeaders(b, {
      state: { tokens: { limit: 60_000, remaining: 20_000 } },
      dialect: 'openai',
      sentAt: 9_000, // 1 s ago: at most 1,000 tokens refilled since
      now: 10_000,
      learn: true,
      configured: new Set(['tokens']),
    });
    expect(r.lowered).toEqual(['tokens']);
    expect(b.level('tokens')).toBe(21_000);
  });

  it('never raises a bucket from headers', () => {
    const clock = new ManualClock(0);
    const b = new LimitBuckets({ requests: 100 }, clock);
    b.charge('requests', 90);
    adoptHeaders(b, {
      state: { requests: { remaining: 99 } },
      dialect: 'openai',
      sentAt: 0,
      now: 0,
      learn: true,
      configured: none,
    });
    expect(b.level('requests')).toBe(10);
  });

  it("allows for Anthropic's rounding of token counts to thousands", () => {
    const clock = new ManualClock(0);
    const b = new LimitBuckets({ input: 30_000 }, clock);
    b.charge('input', 10_300); // holds 19,700; headers say "20000"
    const r = adoptHeaders(b, {
      state: { inputTokens: { limit: 30_000, remaining: 20_000 } },
      dialect: 'anthropic',
      sentAt: 0,
      now: 0,
      learn: true,
      configured: new Set(['input']),
    });
    expect(r.lowered).toEqual([]);
  });

  it('learns limits no config set, and adopts a reported limit below the configured one', () => {
    const clock = new ManualClock(0);
    const b = new LimitBuckets({ requests: 1000 }, clock);
    const r = adoptHeaders(b, {
      state: {
        requests: { limit: 500, remaining: 499 },
        inputTokens: { limit: 80_000, remaining: 79_000 },
        outputTokens: { limit: 16_000, remaining: 16_000 },
      },
      dialect: 'anthropic',
      sentAt: 0,
      now: 0,
      learn: true,
      configured: new Set(['requests']),
    });
    expect(r.limits).toEqual({ requests: 500, input: 80_000, output: 16_000 });
    expect(b.limit('requests')).toBe(500);
    expect(b.level('requests')).toBe(499);
    expect(b.level('input')).toBe(79_500); // 79,000 reported, within rounding
  });

  it('keeps a configured limit when the provider reports a higher one, and learns nothing when told not to', () => {
    const clock = new ManualClock(0);
    const b = new LimitBuckets({ requests: 100 }, clock);
    adoptHeaders(b, {
      state: {
        requests: { limit: 1000, remaining: 1000 },
        tokens: { limit: 5000, remaining: 5000 },
      },
      dialect: 'openai',
      sentAt: 0,
      now: 0,
      learn: false,
      configured: new Set(['requests']),
    });
    expect(b.limit('requests')).toBe(100);
    expect(b.has('tokens')).toBe(false);
  });

  it('derives what is left from the reset time when remaining is missing', () => {
    const clock = new ManualClock(0);
    const b = new LimitBuckets({ tokens: 60_000 }, clock);
    adoptHeaders(b, {
      state: { tokens: { limit: 60_000, resetAt: 30_000 } }, // full again in 30 s: half left
      dialect: 'openai',
      sentAt: 0,
      now: 0,
      learn: true,
      configured: new Set(['tokens']),
    });
    expect(b.level('tokens')).toBe(30_000);
  });
});
