import { describe, expect, it } from 'vitest';
import { ManualClock } from './clock.ts';
import { TokenBucket } from './token-bucket.ts';

describe('TokenBucket', () => {
  it('starts full and refuses a take it cannot cover, taking nothing', () => {
    const clock = new ManualClock();
    const bucket = new TokenBucket({ capacity: 10, refillPerMs: 0.01, clock });
    expect(bucket.available()).toBe(10);
    expect(bucket.tryTake(7)).toBe(true);
    expect(bucket.tryTake(4)).toBe(false);
    expect(bucket.available()).toBe(3);
  });

  it('refills continuously and never beyond capacity', async () => {
    const clock = new ManualClock();
    const bucket = TokenBucket.perMinute(600, clock); // 0.01 per ms
    expect(bucket.tryTake(600)).toBe(true);
    await clock.advance(100);
    expect(bucket.available()).toBeCloseTo(1, 9);
    expect(bucket.tryTake(1)).toBe(true);
    expect(bucket.tryTake(1)).toBe(false);
    await clock.advance(10 * 60_000);
    expect(bucket.available()).toBe(600);
  });

  it('counts many tiny refills as whole tokens despite float error', async () => {
    const clock = new ManualClock();
    const bucket = new TokenBucket({ capacity: 1, refillPerMs: 0.1, clock, initial: 0 });
    for (let i = 0; i < 10; i++) await clock.advance(1);
    expect(bucket.tryTake(1)).toBe(true);
  });

  it('says how long until n tokens are there', async () => {
    const clock = new ManualClock();
    const bucket = new TokenBucket({ capacity: 100, refillPerMs: 0.05, clock, initial: 0 });
    expect(bucket.timeUntil(0)).toBe(0);
    expect(bucket.timeUntil(1)).toBe(20);
    expect(bucket.timeUntil(3)).toBe(60);
    expect(bucket.timeUntil(101)).toBe(Number.POSITIVE_INFINITY);
    await clock.advance(60);
    expect(bucket.timeUntil(3)).toBe(0);
    expect(bucket.tryTake(3)).toBe(true);
    expect(bucket.timeUntilFull()).toBe(2000);
  });

  it('rounds a fractional wait up to whole milliseconds', () => {
    const clock = new ManualClock();
    const bucket = new TokenBucket({ capacity: 10, refillPerMs: 0.3, clock, initial: 0 });
    expect(bucket.timeUntil(1)).toBe(4);
  });

  it('refunds up to capacity', () => {
    const clock = new ManualClock();
    const bucket = new TokenBucket({ capacity: 10, refillPerMs: 0, clock });
    bucket.tryTake(8);
    bucket.refund(5);
    expect(bucket.available()).toBe(7);
    bucket.refund(50);
    expect(bucket.available()).toBe(10);
    expect(bucket.timeUntil(11)).toBe(Number.POSITIVE_INFINITY);
  });

  it('goes into debt on consume and admits nothing until repaid', async () => {
    const clock = new ManualClock();
    const bucket = new TokenBucket({ capacity: 10, refillPerMs: 0.01, clock });
    bucket.consume(15);
    expect(bucket.available()).toBe(-5);
    expect(bucket.tryTake(1)).toBe(false);
    expect(bucket.timeUntil(1)).toBe(600);
    await clock.advance(600);
    expect(bucket.tryTake(1)).toBe(true);
  });

  it('round-trips its state through toJSON and initial', async () => {
    const clock = new ManualClock(5000);
    const a = new TokenBucket({ capacity: 60, refillPerMs: 0.001, clock });
    a.tryTake(50);
    const saved = JSON.parse(JSON.stringify(a.toJSON()));
    expect(saved).toEqual({ tokens: 10, updatedAt: 5000 });
    await clock.advance(1000);
    const b = new TokenBucket({ capacity: 60, refillPerMs: 0.001, clock, initial: saved });
    expect(b.available()).toBe(11);
  });

  it('rejects options that make no sense, naming them', () => {
    expect(() => new TokenBucket({ capacity: 0, refillPerMs: 1 })).toThrow('`capacity`');
    expect(() => new TokenBucket({ capacity: 1, refillPerMs: -1 })).toThrow('`refillPerMs`');
  });
});
