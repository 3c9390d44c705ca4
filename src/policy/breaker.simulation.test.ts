/**
 * The breaker alone under simulated traffic, as docs/engine.md describes it: 200 seeds, 20 calls
 * a second for 10 minutes of virtual time from a cold start, each call taking 50–1,500 ms so that
 * verdicts arrive out of order and across state changes. A target that fails independently 10%
 * of the time must never be ejected, one failing 25% of the time in fewer than 1% of the seeds; a
 * target failing every call opens exactly when the documented rule says; a target that recovers
 * closes on its first probe after recovering.
 */
import { describe, expect, it } from 'vitest';
import type { Clock } from '../core/clock.ts';
import { type BreakerTicket, CircuitBreaker, type FailureKind } from './breaker.ts';

const SEEDS = 200;
const RATE_PER_S = 20;
const DURATION_MS = 10 * 60_000;
const STEP_MS = 1000 / RATE_PER_S;
/** Calls take one step (50 ms) to 1,500 ms. */
const MAX_LATENCY_STEPS = 1500 / STEP_MS;

/** mulberry32: a seeded stream in [0, 1) (the simulator's own lives above this layer). */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** What one call to the target does at a given time: succeed, or fail answered or not. */
type Outcome = 'ok' | FailureKind;
type Target = (atMs: number, random: () => number) => Outcome;

/** Fails independently with probability `p`: 60% of failures answered (5xx, 529), 40% not. */
const flaky =
  (p: number, unansweredShare = 0.4): Target =>
  (_at, random) =>
    random() >= p ? 'ok' : random() < unansweredShare ? 'unanswered' : 'answered';

interface Run {
  opens: number;
  /** Failures reported before the first open. */
  failuresBeforeOpen: number;
  firstOpenAtMs: number | undefined;
  probes: { atMs: number; outcome: Outcome; stateAfter: string }[];
  skipped: number;
  finalState: string;
}

function simulate(seed: number, target: Target): Run {
  const random = seeded(seed);
  let now = 0;
  const clock: Clock = {
    now: () => now,
    sleep: () => Promise.reject(new Error('the simulation does not sleep')),
    timer: () => () => {},
  };
  const breaker = new CircuitBreaker({ clock });
  const run: Run = {
    opens: 0,
    failuresBeforeOpen: 0,
    firstOpenAtMs: undefined,
    probes: [],
    skipped: 0,
    finalState: '',
  };
  breaker.onStateChange((t) => {
    if (t.to !== 'open') return;
    run.opens++;
    run.firstOpenAtMs ??= now;
  });
  // Calls in flight, in a ring of time steps by the step they finish in.
  const ring: { ticket: BreakerTicket; outcome: Outcome }[][] = Array.from(
    { length: MAX_LATENCY_STEPS + 1 },
    () => [],
  );
  const steps = DURATION_MS / STEP_MS;
  for (let step = 0; step < steps; step++) {
    now = step * STEP_MS;
    const finishing = ring[step % ring.length]!;
    for (const { ticket, outcome } of finishing) {
      if (outcome === 'ok') breaker.success(ticket);
      else {
        if (run.opens === 0) run.failuresBeforeOpen++;
        breaker.failure(ticket, outcome);
      }
      if (ticket.probe) run.probes.push({ atMs: now, outcome, stateAfter: breaker.state });
    }
    finishing.length = 0;
    const admission = breaker.admit();
    if (!admission.allowed) {
      run.skipped++;
      continue;
    }
    const outcome = target(now, random);
    const latencySteps = 1 + Math.floor(random() * MAX_LATENCY_STEPS);
    ring[(step + latencySteps) % ring.length]!.push({ ticket: admission, outcome });
  }
  run.finalState = breaker.state;
  return run;
}

function seedsOf(target: Target): Run[] {
  return Array.from({ length: SEEDS }, (_, i) => simulate(1000 + i, target));
}

describe('breaker simulation: 200 seeds, 20 calls/s, 10 minutes, cold start', () => {
  it('never ejects a target failing 10% of the time', () => {
    const runs = seedsOf(flaky(0.1));
    expect(runs.filter((r) => r.opens > 0)).toHaveLength(0);
    // Nor when every failure is a connection error or a timeout.
    expect(seedsOf(flaky(0.1, 1)).filter((r) => r.opens > 0)).toHaveLength(0);
  });

  it('ejects a target failing 25% of the time in fewer than 1% of the seeds', () => {
    const opened = seedsOf(flaky(0.25)).filter((r) => r.opens > 0).length;
    expect(opened).toBeLessThan(SEEDS / 100);
  });

  it('opens on a target failing every call within the documented rule', () => {
    const { minimumCalls, consecutiveFailures } = new CircuitBreaker().options;
    for (const run of seedsOf(() => 'answered')) {
      // Answered failures: exactly when the window holds minimumCalls calls (2.5 s at 20/s).
      expect(run.failuresBeforeOpen).toBe(minimumCalls);
    }
    for (const run of seedsOf(() => 'unanswered')) {
      // No answer at all: at the consecutiveFailures-th call.
      expect(run.failuresBeforeOpen).toBe(consecutiveFailures);
      expect(run.firstOpenAtMs).toBeLessThanOrEqual(1500);
    }
  });

  it('closes a target that recovers after its first successful probe, and keeps it closed', () => {
    const downUntilMs = 60_000;
    const recovering: Target = (at, random) =>
      at < downUntilMs ? 'answered' : flaky(0.1)(at, random);
    for (const run of seedsOf(recovering)) {
      const ok = run.probes.filter((p) => p.outcome === 'ok');
      expect(ok).toHaveLength(1);
      expect(ok[0]!.stateAfter).toBe('closed');
      expect(run.finalState).toBe('closed');
      // Open while down (each failed probe reopens it), never again once a probe succeeded.
      expect(run.opens).toBe(run.probes.filter((p) => p.outcome !== 'ok').length + 1);
    }
  });
});
