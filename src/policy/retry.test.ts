import { describe, expect, it } from 'vitest';
import { ManualClock } from '../core/clock.ts';
import { failure, type Outcome, success } from '../core/outcome.ts';
import { ProviderError, RejectedError } from '../errors/index.ts';
import { RetryPolicy } from './retry.ts';
import { RetryBudget } from './retry-budget.ts';

const overloaded = () => new ProviderError('overloaded', 'anthropic/claude answered 529');
const rateLimited = (retryAfterMs: number) =>
  new ProviderError('rate_limited', '429', { retryAfterMs });

function scripted(outcomes: Outcome<string>[]) {
  const calls: number[] = [];
  const fn = async ({ attempt }: { attempt: number }) => {
    calls.push(attempt);
    return outcomes[Math.min(attempt, outcomes.length - 1)]!;
  };
  return { fn, calls };
}

async function run<T>(clock: ManualClock, promise: Promise<T>): Promise<T> {
  let done = false;
  void promise.finally(() => {
    done = true;
  });
  for (let i = 0; i < 100 && !done; i++) await clock.advance(1000);
  return promise;
}

describe('RetryPolicy', () => {
  it('retries retryable failures until one succeeds, waiting within the backoff bounds', async () => {
    const clock = new ManualClock();
    const policy = new RetryPolicy({ clock, random: () => 0.5 });
    const waits: number[] = [];
    policy.onRetry((e) => waits.push(e.delayMs));
    const { fn, calls } = scripted([failure(overloaded()), failure(overloaded()), success('ok')]);
    const result = await run(clock, policy.execute(fn));
    expect(result.outcome).toEqual(success('ok'));
    expect(calls).toEqual([0, 1, 2]);
    expect(waits).toEqual([500, 1000]);
  });

  it('never retries a client error', async () => {
    const policy = new RetryPolicy({ clock: new ManualClock() });
    const { fn, calls } = scripted([failure(new ProviderError('invalid_request', '400'))]);
    const result = await policy.execute(fn);
    expect(result.stoppedBy).toBe('not_retryable');
    expect(calls).toEqual([0]);
  });

  it('stops after maxAttempts', async () => {
    const clock = new ManualClock();
    const policy = new RetryPolicy({ clock, maxAttempts: 3, random: () => 0 });
    const { fn, calls } = scripted([failure(overloaded())]);
    const result = await run(clock, policy.execute(fn));
    expect(result.stoppedBy).toBe('attempts_exhausted');
    expect(calls).toEqual([0, 1, 2]);
  });

  it('honours Retry-After when it is longer than the backoff', async () => {
    const clock = new ManualClock();
    const policy = new RetryPolicy({ clock, random: () => 0 });
    const { fn } = scripted([failure(rateLimited(7000)), success('ok')]);
    const started = clock.now();
    const result = await run(clock, policy.execute(fn));
    expect(result.outcome.ok).toBe(true);
    expect(clock.now() - started).toBeGreaterThanOrEqual(7000);
  });

  it('does not sleep when the wait would outlive the deadline', async () => {
    const clock = new ManualClock();
    const policy = new RetryPolicy({ clock, random: () => 0 });
    const { fn, calls } = scripted([failure(rateLimited(30_000)), success('ok')]);
    const result = await policy.execute(fn, { remainingMs: () => 10_000 });
    expect(result.stoppedBy).toBe('deadline');
    expect(result.declinedWaitMs).toBe(30_000);
    expect(calls).toEqual([0]);
    expect(clock.now()).toBe(0);
  });

  it('declines a Retry-After beyond maxRetryDelayMs', async () => {
    const policy = new RetryPolicy({ clock: new ManualClock(), maxRetryDelayMs: 60_000 });
    const { fn } = scripted([failure(rateLimited(3_600_000))]);
    const result = await policy.execute(fn);
    expect(result.stoppedBy).toBe('retry_after_too_long');
  });

  it('stops when the retry budget is spent', async () => {
    const clock = new ManualClock();
    const budget = new RetryBudget({ ratio: 0, minRetries: 1, clock });
    const policy = new RetryPolicy({ clock, budget, random: () => 0 });
    const { fn, calls } = scripted([failure(overloaded())]);
    const result = await run(clock, policy.execute(fn));
    expect(result.stoppedBy).toBe('retry_budget');
    expect(calls).toEqual([0, 1]);
  });

  it('stops the backoff sleep at once when the caller aborts', async () => {
    const clock = new ManualClock();
    const policy = new RetryPolicy({ clock, random: () => 0.9 });
    const ac = new AbortController();
    const { fn, calls } = scripted([failure(overloaded())]);
    const pending = policy.execute(fn, { signal: ac.signal });
    await clock.advance(100);
    ac.abort(new Error('user left'));
    const result = await pending;
    expect(result.stoppedBy).toBe('aborted');
    expect(result.outcome.ok ? '' : result.outcome.error.code).toBe('aborted');
    expect(calls).toEqual([0]);
    expect(clock.pending).toBe(0);
  });

  it('does not retry breakwater’s own rejections', async () => {
    const policy = new RetryPolicy({ clock: new ManualClock() });
    for (const code of ['queue_full', 'rate_limited'] as const) {
      const { fn, calls } = scripted([failure(new RejectedError(code, 'local limiter said no'))]);
      expect((await policy.execute(fn)).stoppedBy).toBe('not_retryable');
      expect(calls).toEqual([0]);
    }
  });

  it('stops without sleeping when the target became unavailable', async () => {
    const clock = new ManualClock();
    const policy = new RetryPolicy({ clock });
    const { fn, calls } = scripted([failure(overloaded()), success('ok')]);
    const result = await policy.execute(fn, { canRetry: () => false });
    expect(result.stoppedBy).toBe('target_unavailable');
    expect(calls).toEqual([0]);
    expect(clock.pending).toBe(0);
  });

  it('fails over instead of sleeping a long wait, and resumes without counting the request again', async () => {
    const clock = new ManualClock();
    const budget = new RetryBudget({ ratio: 0, minRetries: 1, clock });
    const policy = new RetryPolicy({ clock, random: () => 0.5, budget });
    const { fn, calls } = scripted([failure(overloaded()), success('ok')]);
    const asked: number[] = [];
    const failover = (delayMs: number) => {
      asked.push(delayMs);
      return delayMs > 250;
    };
    const stopped = await policy.execute(fn, { failover });
    expect(stopped).toMatchObject({ stoppedBy: 'failover', attempts: 1, resumeInMs: 500 });
    expect(asked).toEqual([500]);
    expect(clock.pending).toBe(0);
    // The retry was granted when it was deferred: resuming makes the attempt at once.
    const resumed = await policy.execute(fn, { failover, firstAttempt: stopped.attempts });
    expect(resumed).toMatchObject({ stoppedBy: 'success', attempts: 2 });
    expect(calls).toEqual([0, 1]);
    expect(budget.tryRetry()).toBe(false);
  });

  it('sleeps a wait within the failover bound on the same target', async () => {
    const clock = new ManualClock();
    const policy = new RetryPolicy({ clock, random: () => 0.1 });
    const { fn, calls } = scripted([failure(overloaded()), success('ok')]);
    const result = await run(clock, policy.execute(fn, { failover: (ms) => ms > 250 }));
    expect(result).toMatchObject({ stoppedBy: 'success', attempts: 2 });
    expect(calls).toEqual([0, 1]);
  });

  it('names the option it rejects', () => {
    expect(() => new RetryPolicy({ maxAttempts: 0 })).toThrow('`maxAttempts`');
  });
});
