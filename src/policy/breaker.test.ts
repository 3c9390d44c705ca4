import { describe, expect, it } from 'vitest';
import { ManualClock } from '../core/clock.ts';
import { type BreakerTransition, CircuitBreaker } from './breaker.ts';

function setup(options = {}) {
  const clock = new ManualClock(0);
  const breaker = new CircuitBreaker({ clock, ...options });
  const transitions: BreakerTransition[] = [];
  breaker.onStateChange((t) => transitions.push(t));
  return { clock, breaker, transitions };
}

describe('CircuitBreaker', () => {
  it('opens at 5 failures within 60 s, not at 4', async () => {
    const { breaker, clock } = setup();
    for (let i = 0; i < 4; i++) breaker.failure();
    expect(breaker.state).toBe('closed');
    await clock.advance(10_000);
    breaker.failure();
    expect(breaker.state).toBe('open');
    expect(breaker.admit()).toEqual({ allowed: false, retryAfterMs: 30_000 });
  });

  it('forgets failures older than the window', async () => {
    const { breaker, clock } = setup();
    for (let i = 0; i < 4; i++) breaker.failure();
    await clock.advance(61_000);
    breaker.failure();
    expect(breaker.state).toBe('closed');
  });

  it('does not eject a busy target whose failure rate is low', () => {
    const { breaker } = setup();
    for (let i = 0; i < 100; i++) {
      breaker.success();
      if (i % 4 === 0) breaker.failure();
    }
    expect(breaker.state).toBe('closed');
  });

  it('lets exactly one probe through after the open period, under concurrent callers', async () => {
    const { breaker, clock, transitions } = setup();
    for (let i = 0; i < 5; i++) breaker.failure();
    await clock.advance(29_999);
    expect(breaker.admit().allowed).toBe(false);
    await clock.advance(1);
    const admissions = Array.from({ length: 50 }, () => breaker.admit());
    expect(admissions.filter((a) => a.allowed)).toEqual([{ allowed: true, probe: true }]);
    expect(breaker.state).toBe('half_open');
    breaker.success(true);
    expect(breaker.state).toBe('closed');
    expect(transitions.map((t) => `${t.from}>${t.to}`)).toEqual([
      'closed>open',
      'open>half_open',
      'half_open>closed',
    ]);
  });

  it('reopens for twice as long when the probe fails, capped', async () => {
    const { breaker, clock } = setup({ maxOpenMs: 100_000 });
    for (let i = 0; i < 5; i++) breaker.failure();
    const periods: number[] = [];
    for (let round = 0; round < 4; round++) {
      const admission = breaker.admit();
      if (admission.allowed) throw new Error('should be open');
      periods.push(admission.retryAfterMs);
      await clock.advance(admission.retryAfterMs);
      const probe = breaker.admit();
      expect(probe).toEqual({ allowed: true, probe: true });
      breaker.failure(true);
    }
    expect(periods).toEqual([30_000, 60_000, 100_000, 100_000]);
  });

  it('resets the open period after a successful probe', async () => {
    const { breaker, clock } = setup();
    for (let i = 0; i < 5; i++) breaker.failure();
    await clock.advance(30_000);
    breaker.admit();
    breaker.failure(true);
    await clock.advance(60_000);
    breaker.admit();
    breaker.success(true);
    for (let i = 0; i < 5; i++) breaker.failure();
    expect(breaker.admit()).toEqual({ allowed: false, retryAfterMs: 30_000 });
  });

  it('hands the probe slot back when the probe ends without a verdict', async () => {
    const { breaker, clock } = setup();
    for (let i = 0; i < 5; i++) breaker.failure();
    await clock.advance(30_000);
    expect(breaker.admit()).toEqual({ allowed: true, probe: true });
    expect(breaker.admit().allowed).toBe(false);
    breaker.release(true);
    expect(breaker.admit()).toEqual({ allowed: true, probe: true });
  });

  it('writes its state out and reads it back', async () => {
    const { breaker, clock } = setup();
    for (let i = 0; i < 5; i++) breaker.failure();
    const saved = JSON.parse(JSON.stringify(breaker));
    expect(saved).toEqual({ state: 'open', openUntil: 30_000, openMs: 30_000 });
    const restored = new CircuitBreaker({ clock }, saved);
    expect(restored.state).toBe('open');
    await clock.advance(30_000);
    expect(restored.admit()).toEqual({ allowed: true, probe: true });
  });

  it('names the option it rejects', () => {
    expect(() => new CircuitBreaker({ failureThreshold: 0 })).toThrow('`failureThreshold`');
    expect(() => new CircuitBreaker({ failureRate: 2 })).toThrow('`failureRate`');
    expect(() => new CircuitBreaker({ openMs: -1 })).toThrow('`openMs`');
  });
});
