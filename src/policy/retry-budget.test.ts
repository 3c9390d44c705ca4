import { describe, expect, it } from 'vitest';
import { ManualClock } from '../core/clock.ts';
import { RetryBudget } from './retry-budget.ts';

describe('RetryBudget', () => {
  it('allows retries up to the ratio of requests, with a floor', () => {
    const budget = new RetryBudget({ ratio: 0.2, minRetries: 3, clock: new ManualClock() });
    for (let i = 0; i < 100; i++) budget.recordRequest();
    let granted = 0;
    while (budget.tryRetry()) granted++;
    expect(granted).toBe(20);
  });

  it('lets a quiet target retry up to the floor', () => {
    const budget = new RetryBudget({ ratio: 0.2, minRetries: 3, clock: new ManualClock() });
    budget.recordRequest();
    expect([budget.tryRetry(), budget.tryRetry(), budget.tryRetry(), budget.tryRetry()]).toEqual([
      true,
      true,
      true,
      false,
    ]);
  });

  it('refills as the window rolls on', async () => {
    const clock = new ManualClock();
    const budget = new RetryBudget({ ratio: 0, minRetries: 1, windowMs: 10_000, clock });
    expect(budget.tryRetry()).toBe(true);
    expect(budget.tryRetry()).toBe(false);
    await clock.advance(10_000);
    expect(budget.tryRetry()).toBe(true);
  });
});
