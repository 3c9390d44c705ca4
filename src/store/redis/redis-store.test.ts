/**
 * The Redis store against a real redis-server (started here on a free port): the bucket and
 * budget scripts, the cache, idempotency records, the fleet count, and what the store does when
 * the server dies and comes back. Script time is the test's clock, passed in; only the
 * connection's own waits (reconnect, probe) run in real time.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ManualClock, systemClock } from '../../core/clock.ts';
import type { BucketTake } from '../bucket-store.ts';
import type { StoreHealthChange } from '../store-health.ts';
import { REDIS_SERVER_BIN, type RedisServer, startRedisServer } from './redis-server.fixture.ts';
import { createRedisStore, type RedisStore } from './redis-store.ts';

let server: RedisServer;
let prefix = 0;
const stores: RedisStore[] = [];

function open(options: { clock?: ManualClock; fleetSize?: number; heartbeatMs?: number } = {}) {
  const store = createRedisStore({
    url: server.url,
    keyPrefix: `t${prefix++}:`,
    timeoutMs: 1_000,
    ...options,
  });
  stores.push(store);
  return store;
}

const bucket = (name: string, perMinute: number, cost: number, seed = perMinute): BucketTake => ({
  name,
  capacity: perMinute,
  refillPerMs: perMinute / 60_000,
  seed,
  cost,
  need: cost,
});

describe.skipIf(!REDIS_SERVER_BIN)('Redis store', () => {
  beforeAll(async () => {
    server = await startRedisServer();
  });
  afterAll(async () => {
    await Promise.all(stores.map((s) => s.close()));
    await server?.stop();
  });

  it('takes from every bucket or none, and says how long until all can pay', async () => {
    const store = open();
    const { buckets } = store.fleet;
    await store.ready();
    const first = await buckets.take('s', 0, [
      bucket('requests', 60, 1),
      bucket('tokens', 600, 500),
    ]);
    expect(first).toEqual({ ok: true, waitMs: 0, blockedUntil: 0, levels: [59, 100] });
    const refused = await buckets.take('s', 0, [
      bucket('requests', 60, 1),
      bucket('tokens', 600, 500),
    ]);
    // 400 tokens missing at 10 per second: 40 s. Nothing was taken.
    expect(refused).toMatchObject({ ok: false, waitMs: 40_000, levels: [59, 100] });
    const later = await buckets.take('s', 40_000, [
      bucket('requests', 60, 1),
      bucket('tokens', 600, 500),
    ]);
    expect(later.ok).toBe(true);
    expect(later.levels[0]).toBeCloseTo(59, 6); // full again (60), less this one
    expect(later.levels[1]).toBeCloseTo(0, 6);
    // Bigger than the bucket will ever hold: never.
    const never = await buckets.take('s', 40_000, [bucket('tokens', 600, 601)]);
    expect(never.waitMs).toBe(Number.POSITIVE_INFINITY);
  });

  it('starts a bucket it does not hold from the seed, and never refills backwards in time', async () => {
    const store = open();
    const { buckets } = store.fleet;
    await store.ready();
    const seeded = await buckets.take('s', 10_000, [bucket('requests', 60, 1, 5)]);
    expect(seeded.levels).toEqual([4]);
    // A gateway whose clock is behind: no refill, and the level's time stays where it was.
    const behind = await buckets.take('s', 5_000, [bucket('requests', 60, 1, 60)]);
    expect(behind.levels).toEqual([3]);
    const after = await buckets.take('s', 11_000, [bucket('requests', 60, 1, 60)]);
    expect(after.levels[0]).toBeCloseTo(3, 6);
  });

  it('charges into debt, refunds up to capacity, lowers to what the provider saw, and blocks', async () => {
    const store = open();
    const { buckets } = store.fleet;
    await store.ready();
    const shape = { name: 'tokens', capacity: 600, refillPerMs: 0.01, seed: 600 };
    expect((await buckets.charge('s', 0, [{ ...shape, amount: 700 }])).levels).toEqual([-100]);
    expect((await buckets.charge('s', 0, [{ ...shape, amount: -1_000 }])).levels).toEqual([600]);
    const lowered = await buckets.charge('s', 0, [{ ...shape, amount: 0, lowerTo: 250 }], 5_000);
    expect(lowered).toMatchObject({ levels: [250], blockedUntil: 5_000 });
    const blocked = await buckets.take('s', 1_000, [{ ...shape, cost: 1, need: 1 }]);
    expect(blocked).toMatchObject({ ok: false, waitMs: 4_000 });
    expect((await buckets.take('s', 5_000, [{ ...shape, cost: 1, need: 1 }])).ok).toBe(true);
  });

  it('reserves budgets together or not at all, settles spend and announces thresholds once', async () => {
    const store = open();
    const { budgets } = store.fleet;
    await store.ready();
    const day = { windowId: '2026-01-31', ttlMs: 86_400_000 };
    const route = { key: 'route|chat|day', limitUsd: 1, ...day };
    const total = { key: 'total|*|day', limitUsd: 10, ...day };
    expect(await budgets.reserve([route, total], 'h1', 0.6, 60_000, 0)).toMatchObject({ ok: true });
    const refused = await budgets.reserve([route, total], 'h2', 0.6, 60_000, 0);
    expect(refused).toEqual({
      ok: false,
      index: 0,
      levels: [
        { spentUsd: 0, reservedUsd: 0.6 },
        { spentUsd: 0, reservedUsd: 0.6 },
      ],
    });
    const thresholds = { thresholdsUsd: [0.25, 0.5, 1] };
    const settled = await budgets.settle(
      [
        { ...route, ...thresholds },
        { ...total, thresholdsUsd: [5] },
      ],
      'h1',
      0.55,
      0,
    );
    expect(settled).toEqual([
      { spentUsd: 0.55, crossed: [0, 1] },
      { spentUsd: 0.55, crossed: [] },
    ]);
    // The hold is gone: 0.55 spent, nothing reserved.
    expect(await budgets.reserve([route], 'h3', 0.45, 60_000, 0)).toMatchObject({ ok: true });
    await budgets.release([route], 'h3');
    const again = await budgets.settle([{ ...route, ...thresholds }], undefined, 0.45, 0);
    expect(again).toEqual([{ spentUsd: 1, crossed: [2] }]);
    expect((await budgets.reserve([route], 'h4', 0.01, 60_000, 0)).ok).toBe(false);
  });

  it('lets a hold whose gateway never settled it lapse', async () => {
    const store = open();
    const { budgets } = store.fleet;
    await store.ready();
    const c = { key: 'total|*|day', windowId: 'w', ttlMs: 86_400_000, limitUsd: 1 };
    expect((await budgets.reserve([c], 'lost', 1, 10_000, 0)).ok).toBe(true);
    expect((await budgets.reserve([c], 'next', 1, 10_000, 9_999)).ok).toBe(false);
    expect((await budgets.reserve([c], 'next', 1, 10_000, 10_000)).ok).toBe(true);
  });

  it('caches answers with their freshness and serves them stale after it', async () => {
    const clock = new ManualClock(1_000);
    const store = open({ clock });
    await store.ready();
    const entry = {
      dialect: 'openai' as const,
      response: { id: 'c1' } as never,
      storedAt: 1_000,
    };
    expect(await store.cache.set('k', entry, 5_000)).toBe(true);
    expect(await store.cache.get('k')).toEqual({ entry, expiresAt: 6_000, stale: false });
    await clock.advance(5_000);
    expect((await store.cache.get('k'))?.stale).toBe(true);
    await store.cache.clear();
    expect(await store.cache.get('k')).toBeUndefined();
  });

  it('creates an idempotency record once for the whole fleet', async () => {
    const a = open();
    const b = createRedisStore({ url: server.url, keyPrefix: `t${prefix - 1}:` });
    stores.push(b);
    await Promise.all([a.ready(), b.ready()]);
    const [x, y] = await Promise.all([
      a.idempotency.begin('key-1', 'fp', 60_000),
      b.idempotency.begin('key-1', 'fp', 60_000),
    ]);
    expect([x.created, y.created].sort()).toEqual([false, true]);
    expect(await b.idempotency.complete('key-1', 'other', 'r', 60_000)).toBe(false);
    expect(await b.idempotency.complete('key-1', 'fp', '{"id":1}', 60_000)).toBe(true);
    expect(await a.idempotency.get('key-1')).toMatchObject({
      fingerprint: 'fp',
      state: 'complete',
      result: '{"id":1}',
    });
    await a.idempotency.begin('key-2', 'fp', 60_000);
    await b.idempotency.release('key-2', 'fp');
    expect(await a.idempotency.get('key-2')).toBeUndefined();
  });

  it('counts the gateways that heartbeat, unless told the fleet size', async () => {
    const a = open({ heartbeatMs: 50 });
    const b = createRedisStore({ url: server.url, keyPrefix: `t${prefix - 1}:`, heartbeatMs: 50 });
    stores.push(b);
    await Promise.all([a.ready(), b.ready()]);
    await vi.waitFor(() => expect(a.fleet.fleetSize()).toBe(2), { timeout: 5_000 });
    expect(open({ fleetSize: 5 }).fleet.fleetSize()).toBe(5);
  });

  it('turns degraded when the server dies, serves the cache locally, and recovers when it is back', async () => {
    const store = open({ clock: undefined });
    await store.ready();
    const changes: StoreHealthChange['state'][] = [];
    store.fleet.health.onChange((c) => changes.push(c.state));
    await server.kill();
    await expect(
      store.fleet.buckets.take('s', systemClock.now(), [bucket('r', 60, 1)]),
    ).rejects.toThrow();
    expect(store.fleet.health.degraded).toBe(true);
    // Answers stored meanwhile go to the local view and are served from it.
    const entry = {
      dialect: 'openai' as const,
      response: { id: 'c' } as never,
      storedAt: Date.now(),
    };
    expect(await store.cache.set('k', entry, 60_000)).toBe(true);
    expect((await store.cache.get('k'))?.entry).toEqual(entry);
    await server.restart();
    await vi.waitFor(() => expect(store.fleet.health.degraded).toBe(false), { timeout: 10_000 });
    expect(changes).toEqual(['degraded', 'recovered']);
    expect((await store.fleet.buckets.take('s', Date.now(), [bucket('r', 60, 1)])).ok).toBe(true);
  });
  it('treats a Redis slower than its timeout as down, and comes back when it answers in time', async () => {
    const store = createRedisStore({ url: server.url, keyPrefix: `t${prefix++}:`, timeoutMs: 100 });
    stores.push(store);
    await store.ready();
    const blocker = new Redis(server.url);
    // DEBUG SLEEP blocks the server itself: every command waits behind it.
    await blocker.ping();
    const slept = blocker.call('DEBUG', 'SLEEP', '0.5');
    // Let the server pick the sleep up first (it is one thread: everything else then waits).
    await new Promise((resolve) => setTimeout(resolve, 50));
    await expect(store.fleet.buckets.take('s', Date.now(), [bucket('r', 60, 1)])).rejects.toThrow(
      /timed out/i,
    );
    expect(store.fleet.health.outage?.reason).toMatch(/timed out/i);
    await slept;
    blocker.disconnect();
    await vi.waitFor(() => expect(store.fleet.health.degraded).toBe(false), { timeout: 5_000 });
  });

  it('authenticates with the password in the URL, and never repeats it when it is wrong', async () => {
    const secured = await startRedisServer({ password: 's3cret-pw' });
    try {
      const url = (password: string) => `redis://:${password}@127.0.0.1:${secured.port}`;
      const good = createRedisStore({ url: url('s3cret-pw'), keyPrefix: 'auth:' });
      const bad = createRedisStore({ url: url('wrong-pw'), keyPrefix: 'auth:', timeoutMs: 100 });
      stores.push(good, bad);
      await Promise.all([good.ready(), bad.ready()]);
      expect(good.fleet.health.degraded).toBe(false);
      expect((await good.fleet.buckets.take('s', 0, [bucket('r', 60, 1)])).ok).toBe(true);
      expect(bad.fleet.health.degraded).toBe(true);
      expect(bad.fleet.health.outage?.reason).toMatch(/WRONGPASS|NOAUTH|not reachable/);
      expect(bad.fleet.health.outage?.reason).not.toContain('wrong-pw');
    } finally {
      await secured.stop();
    }
  });
});
