import { describe, expect, it } from 'vitest';
import { ManualClock } from '../core/clock.ts';
import { LimitBuckets } from './limit-buckets.ts';
import { type Cost, ZERO_COST } from './request-cost.ts';

const cost = (c: Partial<Cost>): Cost => ({ ...ZERO_COST, ...c });

describe('LimitBuckets', () => {
  it('starts full and refills continuously at the per-minute rate', async () => {
    const clock = new ManualClock(0);
    const b = new LimitBuckets({ requests: 600, tokens: 60_000 }, clock);
    expect(b.take(cost({ requests: 600, tokens: 6000 }))).toBe(true);
    expect(b.take(cost({ requests: 1 }))).toBe(false);
    await clock.advance(100); // 600/min = 1 per 100 ms
    expect(b.level('requests')).toBeCloseTo(1);
    expect(b.take(cost({ requests: 1 }))).toBe(true);
  });

  it('takes from every bucket or from none', () => {
    const clock = new ManualClock(0);
    const b = new LimitBuckets({ requests: 10, tokens: 100 }, clock);
    expect(b.take(cost({ requests: 1, tokens: 101 }))).toBe(false);
    expect(b.level('requests')).toBe(10);
    expect(b.charged).toEqual(ZERO_COST);
  });

  it('says how long until a request fits, and how long for a whole line', () => {
    const clock = new ManualClock(0);
    const b = new LimitBuckets({ tokens: 60_000 }, clock); // 1 token per ms
    b.take(cost({ tokens: 60_000 }));
    expect(b.waitMs(cost({ tokens: 500 }))).toBe(500);
    expect(b.lineWaitMs(cost({ tokens: 90_000 }))).toBe(90_000);
    expect(b.waitMs(cost({ requests: 5 }))).toBe(0); // no request limit
  });

  it('refuses a request larger than a limit as one that can never fit', () => {
    const b = new LimitBuckets({ tokens: 1000 }, new ManualClock(0));
    expect(b.fits(cost({ tokens: 1000 }))).toBe(true);
    expect(b.fits(cost({ tokens: 1001 }))).toBe(false);
  });

  it('scales capacity and refill by the factor, keeping the level', async () => {
    const clock = new ManualClock(0);
    const b = new LimitBuckets({ requests: 600 }, clock);
    b.take(cost({ requests: 500 }));
    b.setFactor(0.5);
    expect(b.level('requests')).toBe(100);
    b.take(cost({ requests: 100 }));
    await clock.advance(1000); // 300/min now: 5 per second
    expect(b.level('requests')).toBeCloseTo(5);
  });

  it('lets a request larger than a scaled-down bucket go once that bucket is full', () => {
    const clock = new ManualClock(0);
    const b = new LimitBuckets({ tokens: 1000 }, clock);
    b.setFactor(0.5);
    expect(b.take(cost({ tokens: 800 }))).toBe(true);
    expect(b.level('tokens')).toBe(-300);
  });

  it('admits nothing while blocked by a Retry-After', async () => {
    const clock = new ManualClock(0);
    const b = new LimitBuckets({ requests: 10 }, clock);
    b.blockedUntil = 2000;
    expect(b.take(cost({ requests: 1 }))).toBe(false);
    expect(b.waitMs(cost({ requests: 1 }))).toBe(2000);
    await clock.advance(2000);
    expect(b.take(cost({ requests: 1 }))).toBe(true);
  });

  it('charges, refunds and lowers; counts what it charged', () => {
    const b = new LimitBuckets({ tokens: 1000 }, new ManualClock(0));
    b.charge('tokens', 300);
    b.charge('tokens', -100);
    expect(b.level('tokens')).toBe(800);
    expect(b.charged.tokens).toBe(200);
    expect(b.lowerTo('tokens', 500)).toBe(true);
    expect(b.lowerTo('tokens', 600)).toBe(false);
    expect(b.level('tokens')).toBe(500);
  });

  it('round-trips its state', async () => {
    const clock = new ManualClock(0);
    const b = new LimitBuckets({ tokens: 1000 }, clock);
    b.take(cost({ tokens: 400 }));
    b.setFactor(0.8);
    const copy = new LimitBuckets({}, clock, JSON.parse(JSON.stringify(b.toJSON())));
    expect(copy.level('tokens')).toBe(600);
    expect(copy.factor).toBe(0.8);
    expect(copy.limit('tokens')).toBe(1000);
  });
});
