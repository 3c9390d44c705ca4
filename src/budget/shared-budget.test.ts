/**
 * Budgets shared by a fleet through a real redis-server: spend across gateways stops at the
 * budget (not N times it), thresholds are announced once for the fleet, and while Redis is down
 * each gateway spends at most its share of what was left, handed to Redis when it is back.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../core/clock.ts';
import { emptyUsage } from '../dialects/usage.ts';
import { admission, HI, rejection } from '../limiter/limiter.fixture.ts';
import { createLimiter, type Limiter } from '../limiter/limiter.ts';
import type { LimiterEvent } from '../limiter/limiter-events.ts';
import {
  REDIS_SERVER_BIN,
  type RedisServer,
  startRedisServer,
} from '../store/redis/redis-server.fixture.ts';
import { createRedisStore, type RedisStore } from '../store/redis/redis-store.ts';

let server: RedisServer;
let n = 0;
let stores: RedisStore[] = [];

// gpt-4o: $2.50 in, $10 out per million. 8 prompt + 92 output tokens: $0.00094 a call.
const body = { ...HI, max_tokens: 92 };
const usage = { ...emptyUsage(), inputTokens: 8, outputTokens: 92 };
const CALL_USD = 0.00094;

function fleet(count: number) {
  const clock = new ManualClock(Date.UTC(2026, 0, 31, 12));
  const keyPrefix = `bud${n++}:`;
  const events: LimiterEvent[] = [];
  const limiters: Limiter[] = [];
  for (let i = 0; i < count; i++) {
    // A timeout no busy machine reaches: these tests are about the arithmetic, not the timeout.
    const store = createRedisStore({
      url: server.url,
      keyPrefix,
      fleetSize: count,
      clock,
      timeoutMs: 10_000,
    });
    stores.push(store);
    const limiter = createLimiter({
      clock,
      calibration: false,
      budgets: { total: { dailyUsd: 0.0094 }, thresholds: [0.5, 1] },
      fleet: store.fleet,
    });
    limiter.onEvent((e) => events.push(e));
    limiters.push(limiter);
  }
  return { clock, limiters, events, stores: stores.slice(-count) };
}

async function spend(limiter: Limiter, clock: ManualClock): Promise<boolean> {
  try {
    const lease = await limiter.acquire(admission(clock, { body }));
    lease.settle({ usage });
    return true;
  } catch (error) {
    expect((error as { code?: string }).code).toBe('budget_exceeded');
    return false;
  }
}

describe.skipIf(!REDIS_SERVER_BIN)('shared budgets', () => {
  beforeAll(async () => {
    server = await startRedisServer();
  });
  afterEach(async () => {
    await Promise.all(stores.map((s) => s.close()));
    stores = [];
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('stops spend across three gateways at the budget, and announces each threshold once', async () => {
    const { clock, limiters, events, stores } = fleet(3);
    await Promise.all(stores.map((s) => s.ready()));
    let calls = 0;
    for (let i = 0; i < 30; i++) {
      // Settlements are sent without waiting; let them land before the next reservation.
      if (await spend(limiters[i % 3]!, clock)) calls++;
      await vi.waitFor(() => expect(limiters[i % 3]!.stats().budgets['total|*|day']).toBeDefined());
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(calls).toBe(10);
    const error = await rejection(limiters[0]!.acquire(admission(clock, { body })));
    expect(error.code).toBe('budget_exceeded');
    expect(error.message).toContain('the total daily budget of $0.0094');
    await vi.waitFor(() =>
      expect(events.filter((e) => e.type === 'budget_threshold').map((e) => e.threshold)).toEqual([
        0.5, 1,
      ]),
    );
  });

  it('spends at most its share while Redis is down, and hands that spend over on return', async () => {
    const { clock, limiters, stores } = fleet(2);
    await Promise.all(stores.map((s) => s.ready()));
    const [a, b] = limiters as [Limiter, Limiter];
    for (let i = 0; i < 4; i++) expect(await spend(a, clock)).toBe(true);
    await vi.waitFor(() =>
      expect(a.stats().budgets['total|*|day']?.spentUsd).toBeCloseTo(4 * CALL_USD, 9),
    );
    // Make sure a has seen the levels after its last settlement (a reservation reads them).
    const lease = await a.acquire(admission(clock, { body }));
    lease.settle({}); // usage unknown: the worst case, the same $0.00094
    await vi.waitFor(() =>
      expect(a.stats().budgets['total|*|day']?.spentUsd).toBeCloseTo(5 * CALL_USD, 9),
    );
    await server.kill();
    await vi.waitFor(() => expect(stores[0]!.fleet.health.degraded).toBe(true));
    // Left when a last heard: 10 − 5 → a's half of it, 2.5 calls.
    let local = 0;
    while (await spend(a, clock)) local++;
    expect(local).toBe(2);
    await server.restart();
    await vi.waitFor(() => expect(stores[0]!.fleet.health.degraded).toBe(false), {
      timeout: 10_000,
    });
    // Redis restarted empty: a's next call hands its local spend over first.
    expect(await spend(a, clock)).toBe(true);
    let more = 0;
    while (await spend(b, clock)) more++;
    // 2 handed over + 1 spent by a since; b may spend up to the budget: 10 − 3.
    expect(more).toBe(7);
  });
});
