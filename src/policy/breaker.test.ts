import { describe, expect, it } from 'vitest';
import { ManualClock } from '../core/clock.ts';
import { type BreakerTicket, type BreakerTransition, CircuitBreaker } from './breaker.ts';

function setup(options = {}) {
  const clock = new ManualClock(0);
  const breaker = new CircuitBreaker({ clock, ...options });
  const transitions: BreakerTransition[] = [];
  breaker.onStateChange((t) => transitions.push(t));
  return { clock, breaker, transitions };
}

function ticket(breaker: CircuitBreaker): BreakerTicket {
  const admission = breaker.admit();
  if (!admission.allowed) throw new Error('expected the breaker to admit the call');
  return admission;
}

/** `n` calls admitted and failed one after the other. */
function fail(breaker: CircuitBreaker, n: number, kind: 'answered' | 'unanswered' = 'answered') {
  for (let i = 0; i < n; i++) breaker.failure(ticket(breaker), kind);
}

/** Opens a fresh breaker the quickest way: calls that get no answer at all. */
function open(breaker: CircuitBreaker) {
  fail(breaker, breaker.options.consecutiveFailures, 'unanswered');
  expect(breaker.state).toBe('open');
}

describe('CircuitBreaker: opening', () => {
  it('does not open on failures alone before the window holds minimumCalls calls', () => {
    const { breaker } = setup();
    fail(breaker, 49);
    expect(breaker.state).toBe('closed');
    fail(breaker, 1);
    expect(breaker.state).toBe('open');
    expect(breaker.admit()).toEqual({ allowed: false, retryAfterMs: 30_000 });
  });

  it('opens once the window has the volume, the failure count and the failure rate', () => {
    const { breaker } = setup({ minimumCalls: 20 });
    for (let i = 0; i < 10; i++) breaker.success(ticket(breaker));
    fail(breaker, 9);
    expect(breaker.state).toBe('closed'); // 9 of 19: too few calls, and under half
    fail(breaker, 1);
    expect(breaker.state).toBe('open'); // 10 of 20
  });

  it('needs failureThreshold failures even when the rate is met', () => {
    const { breaker } = setup({ minimumCalls: 4, failureThreshold: 5, failureRate: 0.5 });
    for (let i = 0; i < 4; i++) breaker.success(ticket(breaker));
    fail(breaker, 4);
    expect(breaker.state).toBe('closed');
    fail(breaker, 1);
    expect(breaker.state).toBe('open');
  });

  it('forgets calls older than the window', async () => {
    const { breaker, clock } = setup({ minimumCalls: 5 });
    fail(breaker, 4);
    await clock.advance(61_000);
    fail(breaker, 1);
    expect(breaker.state).toBe('closed');
  });

  it('does not eject a busy target whose failure rate is low', () => {
    const { breaker } = setup();
    for (let i = 0; i < 400; i++) {
      breaker.success(ticket(breaker));
      if (i % 4 === 0) fail(breaker, 1);
    }
    expect(breaker.state).toBe('closed');
  });

  it('opens at once on consecutiveFailures calls with no answer, however little traffic', async () => {
    const { breaker, clock } = setup();
    for (let i = 0; i < 4; i++) {
      fail(breaker, 1, 'unanswered');
      await clock.advance(20_000);
    }
    expect(breaker.state).toBe('closed');
    fail(breaker, 1, 'unanswered');
    expect(breaker.state).toBe('open');
  });

  it('does not count an answered failure in a run of unanswered ones', () => {
    const { breaker } = setup();
    fail(breaker, 4, 'unanswered');
    fail(breaker, 1, 'answered');
    fail(breaker, 4, 'unanswered');
    expect(breaker.state).toBe('closed');
    fail(breaker, 1, 'unanswered');
    expect(breaker.state).toBe('open');
  });

  it('does not take unanswered calls for an outage while the target succeeded moments ago', async () => {
    const { breaker, clock } = setup();
    breaker.success(ticket(breaker));
    fail(breaker, 8, 'unanswered');
    expect(breaker.state).toBe('closed');
    // Nothing has succeeded for a tenth of the window (6 s): the next unanswered call opens it.
    await clock.advance(6_000);
    fail(breaker, 1, 'unanswered');
    expect(breaker.state).toBe('open');
  });
});

describe('CircuitBreaker: probing', () => {
  it('lets exactly one probe through after the open period, under concurrent callers', async () => {
    const { breaker, clock, transitions } = setup();
    open(breaker);
    await clock.advance(29_999);
    expect(breaker.admit().allowed).toBe(false);
    await clock.advance(1);
    const admissions = Array.from({ length: 50 }, () => breaker.admit());
    const allowed = admissions.filter((a) => a.allowed);
    expect(allowed).toHaveLength(1);
    expect(allowed[0]).toMatchObject({ probe: true });
    expect(breaker.state).toBe('half_open');
    breaker.success(allowed[0] as BreakerTicket);
    expect(breaker.state).toBe('closed');
    expect(transitions.map((t) => `${t.from}>${t.to}`)).toEqual([
      'closed>open',
      'open>half_open',
      'half_open>closed',
    ]);
  });

  it('reopens for twice as long when the probe fails, capped', async () => {
    const { breaker, clock } = setup({ maxOpenMs: 100_000 });
    open(breaker);
    const periods: number[] = [];
    for (let round = 0; round < 4; round++) {
      const admission = breaker.admit();
      if (admission.allowed) throw new Error('should be open');
      periods.push(admission.retryAfterMs);
      await clock.advance(admission.retryAfterMs);
      const probe = ticket(breaker);
      expect(probe.probe).toBe(true);
      breaker.failure(probe);
    }
    expect(periods).toEqual([30_000, 60_000, 100_000, 100_000]);
  });

  it('resets the open period after a successful probe', async () => {
    const { breaker, clock } = setup();
    open(breaker);
    await clock.advance(30_000);
    breaker.failure(ticket(breaker));
    await clock.advance(60_000);
    breaker.success(ticket(breaker));
    await clock.advance(6_000);
    open(breaker);
    expect(breaker.admit()).toEqual({ allowed: false, retryAfterMs: 30_000 });
  });

  it('hands the probe slot back when the probe ends without a verdict', async () => {
    const { breaker, clock } = setup();
    open(breaker);
    await clock.advance(30_000);
    const probe = ticket(breaker);
    expect(probe.probe).toBe(true);
    expect(breaker.admit().allowed).toBe(false);
    breaker.release(probe);
    expect(ticket(breaker).probe).toBe(true);
  });

  it('says how long until it takes a call again', async () => {
    const { breaker, clock } = setup();
    expect(breaker.retryAfterMs).toBe(0);
    open(breaker);
    await clock.advance(10_000);
    expect(breaker.retryAfterMs).toBe(20_000);
    await clock.advance(20_000);
    expect(breaker.retryAfterMs).toBe(0);
    ticket(breaker);
    expect(breaker.retryAfterMs).toBe(30_000);
  });
});

describe('CircuitBreaker: no stale verdicts', () => {
  it('does not let a call admitted before the breaker opened close it as if it were the probe', async () => {
    const { breaker, clock, transitions } = setup();
    const early = ticket(breaker);
    open(breaker);
    await clock.advance(30_000);
    const probe = ticket(breaker);
    // The slow call admitted while closed ends now, while the probe is still out.
    breaker.success(early);
    expect(breaker.state).toBe('half_open');
    expect(breaker.admit().allowed).toBe(false);
    breaker.failure(probe);
    expect(breaker.state).toBe('open');
    expect(transitions.map((t) => t.to)).toEqual(['open', 'half_open', 'open']);
  });

  it('does not let such a call reopen a half-open breaker, nor count in the next closed window', async () => {
    const { breaker, clock } = setup({ minimumCalls: 5 });
    const early = Array.from({ length: 10 }, () => ticket(breaker));
    open(breaker);
    await clock.advance(30_000);
    const probe = ticket(breaker);
    breaker.failure(early[0]!);
    expect(breaker.state).toBe('half_open');
    breaker.success(probe);
    expect(breaker.state).toBe('closed');
    for (const t of early.slice(1)) breaker.failure(t);
    expect(breaker.state).toBe('closed');
  });

  it('ignores a second verdict on a probe once the first moved the breaker', async () => {
    const { breaker, clock } = setup();
    open(breaker);
    await clock.advance(30_000);
    const probe = ticket(breaker);
    breaker.success(probe);
    // e.g. a streamed probe that committed (success) and then broke.
    breaker.failure(probe);
    expect(breaker.state).toBe('closed');
  });

  it('keeps a released probe slot from being freed by a stale ticket', async () => {
    const { breaker, clock } = setup();
    open(breaker);
    await clock.advance(30_000);
    const first = ticket(breaker);
    breaker.failure(first);
    await clock.advance(60_000);
    const second = ticket(breaker);
    breaker.release(first);
    expect(breaker.admit().allowed).toBe(false);
    breaker.success(second);
    expect(breaker.state).toBe('closed');
  });
});

describe('CircuitBreaker: state', () => {
  it('writes its state out and reads it back', async () => {
    const { breaker, clock } = setup();
    open(breaker);
    const saved = JSON.parse(JSON.stringify(breaker));
    expect(saved).toEqual({ state: 'open', openUntil: 30_000, openMs: 30_000, generation: 1 });
    const restored = new CircuitBreaker({ clock }, saved);
    expect(restored.state).toBe('open');
    expect(restored.generation).toBe(1);
    await clock.advance(30_000);
    expect(restored.admit()).toEqual({ allowed: true, probe: true, generation: 2 });
  });

  it('admits closed calls with one shared ticket per generation', () => {
    const { breaker } = setup();
    expect(breaker.admit()).toBe(breaker.admit());
  });

  it('names the option it rejects', () => {
    expect(() => new CircuitBreaker({ failureThreshold: 0 })).toThrow('`failureThreshold`');
    expect(() => new CircuitBreaker({ minimumCalls: 1.5 })).toThrow('`minimumCalls`');
    expect(() => new CircuitBreaker({ consecutiveFailures: 0 })).toThrow('`consecutiveFailures`');
    expect(() => new CircuitBreaker({ failureRate: 2 })).toThrow('`failureRate`');
    expect(() => new CircuitBreaker({ openMs: -1 })).toThrow('`openMs`');
  });
});

describe('CircuitBreaker: a state another process saw', () => {
  it('opens until the time it is told, and a call admitted before moves nothing', async () => {
    const { clock, breaker, transitions } = setup();
    const before = ticket(breaker);
    breaker.adopt({ state: 'open', openUntil: 5_000, openMs: 5_000 });
    expect(breaker.toJSON()).toMatchObject({ state: 'open', openUntil: 5_000, openMs: 5_000 });
    expect(transitions).toEqual([{ from: 'closed', to: 'open', openMs: 5_000 }]);
    breaker.success(before);
    expect(breaker.state).toBe('open');
    // An earlier end, or one already past, changes nothing.
    breaker.adopt({ state: 'open', openUntil: 4_000, openMs: 5_000 });
    await clock.advance(5_000);
    breaker.adopt({ state: 'open', openUntil: 5_000, openMs: 5_000 });
    expect(breaker.state).toBe('half_open');
  });

  it('stops being the probe when another process opened it again, and closes on its word', async () => {
    const { clock, breaker } = setup({ openMs: 1_000 });
    open(breaker);
    await clock.advance(1_000);
    const probe = ticket(breaker);
    expect(probe.probe).toBe(true);
    breaker.adopt({ state: 'open', openUntil: 3_000, openMs: 2_000 });
    breaker.failure(probe);
    expect(breaker.toJSON()).toMatchObject({ state: 'open', openUntil: 3_000, openMs: 2_000 });
    breaker.adopt({ state: 'closed' });
    expect(breaker.toJSON()).toMatchObject({ state: 'closed', openMs: 1_000 });
    expect(breaker.admit()).toMatchObject({ allowed: true, probe: false });
  });
});
