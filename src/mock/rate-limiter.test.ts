import { describe, expect, it } from 'vitest';
import { ManualClock } from '../core/clock.ts';
import { MockRateLimiter } from './rate-limiter.ts';

describe('MockRateLimiter', () => {
  it('admits only when every bucket can pay, and a refusal takes nothing', () => {
    const limiter = new MockRateLimiter(new ManualClock());
    const pool = limiter.pool('openai', 'gpt-4o', { rpm: 10, tpm: 1000 })!;
    expect(limiter.admit(pool, { input: 100, maxTokens: 500 })).toBeUndefined();
    const refusal = limiter.admit(pool, { input: 100, maxTokens: 500 });
    expect(refusal).toMatchObject({ limit: 'tokens', capacity: 1000, used: 600, requested: 600 });
    expect(refusal?.waitMs).toBe(12_000); // 200 missing at 1000/min
    expect(pool.requests?.available()).toBe(9);
    expect(limiter.admit(pool, { input: 100, maxTokens: 200 })).toBeUndefined();
  });

  it('builds dialect-specific pools and keeps them per key', () => {
    const limiter = new MockRateLimiter(new ManualClock());
    const limits = { rpm: 5, tpm: 100, itpm: 200, otpm: 300 };
    expect(Object.keys(limiter.pool('openai', 'a', limits)!)).toEqual(['requests', 'tokens']);
    expect(Object.keys(limiter.pool('anthropic', 'a', limits)!)).toEqual([
      'requests',
      'input_tokens',
      'output_tokens',
    ]);
    expect(limiter.pool('openai', 'a', limits)).toBe(limiter.pool('openai', 'a', limits));
    expect(limiter.pool('openai', 'a', undefined)).toBeUndefined();
  });

  it('charges output after the fact; a pool in output debt refuses until it refills', async () => {
    const clock = new ManualClock();
    const limiter = new MockRateLimiter(clock);
    const pool = limiter.pool('anthropic', 'c', { otpm: 600 })!;
    expect(limiter.admit(pool, { input: 10, maxTokens: 0 })).toBeUndefined();
    limiter.chargeOutput(pool, 700, true);
    expect(limiter.admit(pool, { input: 10, maxTokens: 0 })).toMatchObject({
      limit: 'output_tokens',
      waitMs: 10_100,
    });
    await clock.advance(10_100);
    expect(limiter.admit(pool, { input: 10, maxTokens: 0 })).toBeUndefined();
  });

  it('OpenAI counts output against tpm only when nothing was reserved', () => {
    const limiter = new MockRateLimiter(new ManualClock());
    const pool = limiter.pool('openai', 'g', { tpm: 1000 })!;
    limiter.chargeOutput(pool, 100, true);
    expect(pool.tokens?.available()).toBe(1000);
    limiter.chargeOutput(pool, 100, false);
    expect(pool.tokens?.available()).toBe(900);
  });
});
