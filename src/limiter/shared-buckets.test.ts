/**
 * Limiters of a fleet sharing their buckets through a real redis-server: the limit holds across
 * gateways, a reconciliation on one is seen by the others, a queued request is admitted when the
 * shared bucket refills, and when Redis dies each gateway serves on its share — then rejoins,
 * charging what it admitted meanwhile exactly once.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../core/clock.ts';
import { emptyUsage } from '../dialects/usage.ts';
import {
  REDIS_SERVER_BIN,
  type RedisServer,
  startRedisServer,
} from '../store/redis/redis-server.fixture.ts';
import { createRedisStore, type RedisStore } from '../store/redis/redis-store.ts';
import { admission, HI, rejection } from './limiter.fixture.ts';
import { createLimiter, type Limiter } from './limiter.ts';
import type { LimiterOptions } from './limiter-options.ts';

let server: RedisServer;
let n = 0;
let stores: RedisStore[] = [];

/** `count` gateways' limiters on one clock and one Redis prefix. */
function fleet(count: number, targets: LimiterOptions['targets']) {
  const clock = new ManualClock(1_000_000);
  const keyPrefix = `lim${n++}:`;
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
    limiters.push(createLimiter({ clock, calibration: false, targets, fleet: store.fleet }));
  }
  return { clock, limiters, stores: stores.slice(-count) };
}

const body = { ...HI, max_tokens: 92 }; // 8 + 92 = 100 tokens

describe.skipIf(!REDIS_SERVER_BIN)('shared buckets', () => {
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

  it('holds one limit across gateways, not one per gateway', async () => {
    const { clock, limiters, stores } = fleet(3, { 'openai/gpt-4o': { rpm: 6 } });
    await Promise.all(stores.map((s) => s.ready()));
    for (let i = 0; i < 6; i++) {
      await limiters[i % 3]!.acquire(admission(clock, { deadlineMs: 2_000 }));
    }
    // The seventh on any gateway would wait 10 s for the refill: past a 2 s deadline, at once.
    for (const limiter of limiters) {
      const error = await rejection(limiter.acquire(admission(clock, { deadlineMs: 2_000 })));
      expect(error.code).toBe('rate_limited');
    }
    expect(limiters[2]!.stats().lanes[0]).toMatchObject({
      store: 'shared',
      levels: { requests: 0 },
    });
  });

  it('charges a reconciliation to the shared bucket, where every gateway sees it', async () => {
    const { clock, limiters, stores } = fleet(2, { 'openai/gpt-4o': { tpm: 1_000 } });
    await Promise.all(stores.map((s) => s.ready()));
    const [a, b] = limiters as [Limiter, Limiter];
    const lease = await a.acquire(admission(clock, { body }));
    await b.acquire(admission(clock, { body })); // 800 left, as b sees it
    expect(b.stats().lanes[0]!.levels.tokens).toBe(800);
    // Anthropic-style actual output is not refunded for OpenAI; the prompt was 20, not 8.
    lease.settle({ usage: { ...emptyUsage(), inputTokens: 20, outputTokens: 5 } });
    await vi.waitFor(() => expect(a.stats().lanes[0]!.levels.tokens).toBe(788));
    await b.acquire(admission(clock, { body }));
    expect(b.stats().lanes[0]!.levels.tokens).toBe(688);
  });

  it('admits a queued request once the shared bucket has refilled', async () => {
    const { clock, limiters, stores } = fleet(2, { 'openai/gpt-4o': { rpm: 60 } });
    await Promise.all(stores.map((s) => s.ready()));
    const [a, b] = limiters as [Limiter, Limiter];
    for (let i = 0; i < 60; i++) await a.acquire(admission(clock));
    let admitted = false;
    const queued = b.acquire(admission(clock)).then((lease) => {
      admitted = true;
      return lease;
    });
    await vi.waitFor(() => expect(b.stats().lanes[0]!.waiting.normal).toBe(1));
    await clock.advance(999);
    expect(admitted).toBe(false);
    await clock.advance(1);
    await queued;
    expect(b.stats().lanes[0]!.counts.queued).toBe(1);
  });

  it('serves a share of the limit while Redis is down and charges it once on rejoining', async () => {
    const { clock, limiters, stores } = fleet(2, { 'openai/gpt-4o': { rpm: 60 } });
    await Promise.all(stores.map((s) => s.ready()));
    const [a, b] = limiters as [Limiter, Limiter];
    for (let i = 0; i < 20; i++) await a.acquire(admission(clock)); // 40 left in Redis
    await server.kill();
    // Each gateway gets half of what was left (20) and half the refill.
    let admitted = 0;
    for (;;) {
      const ok = await a.acquire(admission(clock, { deadlineMs: 1_500 })).then(
        () => true,
        () => false,
      );
      if (!ok) break;
      admitted++;
    }
    expect(admitted).toBe(20);
    expect(a.stats().lanes[0]).toMatchObject({ store: 'local' });
    expect(stores[0]!.fleet.health.degraded).toBe(true);
    await server.restart();
    await vi.waitFor(() => expect(stores[0]!.fleet.health.degraded).toBe(false), {
      timeout: 10_000,
    });
    // Redis came back empty. a rejoins on its next call: the bucket is seeded from its share
    // (0 left) times the fleet, and what it admitted meanwhile is charged once: 0 in Redis.
    const error = await rejection(a.acquire(admission(clock, { deadlineMs: 1_500 })));
    expect(error.code).toBe('rate_limited');
    expect(a.stats().lanes[0]!.store).toBe('shared');
    // Ten seconds refill ten requests for the whole fleet: b, which never left Redis, gets them.
    await clock.advance(10_000);
    for (let i = 0; i < 10; i++) await b.acquire(admission(clock, { deadlineMs: 1_500 }));
    expect((await rejection(b.acquire(admission(clock, { deadlineMs: 1_500 })))).code).toBe(
      'rate_limited',
    );
  });
});
