/**
 * Idempotency keys across a fleet: two engines (two gateways' worth) keep their records in one
 * real redis-server through the Store interface. A retry that reaches the other gateway while the
 * first call still runs waits for it (polling the shared record) and gets its answer replayed;
 * later retries on either get the stored answer; nothing is sent upstream twice. The simulator's
 * latency and the engines' polls run on one manual clock.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { resolveConfig } from '../../src/config/config-resolve.ts';
import { ManualClock } from '../../src/core/clock.ts';
import { Engine } from '../../src/engine/engine.ts';
import { type MockServer, startMock } from '../../src/mock/index.ts';
import {
  REDIS_SERVER_BIN,
  type RedisServer,
  startRedisServer,
} from '../../src/store/redis/redis-server.fixture.ts';
import { createRedisStore, type RedisStore } from '../../src/store/redis/redis-store.ts';

/** Waits for real I/O (sockets to the simulator), generously: the machine may be busy. */
const eventually = (check: () => unknown) => vi.waitFor(check, { timeout: 10_000, interval: 5 });

const clock = new ManualClock(Date.now());
let mock: MockServer;
let server: RedisServer;
const stores: RedisStore[] = [];
const engines: Engine[] = [];

function gateway(): Engine {
  const store = createRedisStore({ url: server.url, keyPrefix: 'idem-fleet:', clock });
  stores.push(store);
  const engine = new Engine(
    resolveConfig({ providers: { openai: { baseUrl: mock.url, apiKey: 'sk-test' } } }),
    { clock, idempotencyStore: store.idempotency },
  );
  engines.push(engine);
  return engine;
}

describe.skipIf(!REDIS_SERVER_BIN)('idempotency keys across a fleet (Redis)', () => {
  beforeAll(async () => {
    server = await startRedisServer();
    mock = await startMock(
      { seed: 4, default: { latency: { fixedMs: 1000 }, outputTokens: 5 } },
      { clock },
    );
  });
  afterAll(async () => {
    await Promise.all(engines.map((e) => e.close()));
    await Promise.all(stores.map((s) => s.close()));
    await mock?.close();
    await server?.stop();
  });

  it('answers a key once for the fleet: the other gateway waits, then replays', async () => {
    const [a, b] = [gateway(), gateway()];
    await Promise.all(stores.map((s) => s.ready()));
    const body = { model: 'openai/gpt-4o', messages: [{ role: 'user', content: 'Once' }] };
    const first = a.call('openai', body, { idempotencyKey: 'fleet-1' });
    await eventually(() => expect(mock.stats().total.requests).toBe(1));
    const second = b.call('openai', body, { idempotencyKey: 'fleet-1' });
    let done = false;
    void second.then(() => {
      done = true;
    });
    // The simulator answers the first call; the second polls the shared record until it sees it.
    await clock.advance(1000);
    const original = await first;
    await eventually(async () => {
      await clock.advance(100);
      expect(done).toBe(true);
    });
    const replayed = await second;
    expect(replayed.meta.cache).toBe('idempotent-replay');
    if (original.kind !== 'json' || replayed.kind !== 'json') throw new Error('expected JSON');
    expect(replayed.body).toEqual(original.body);

    const later = await a.call('openai', body, { idempotencyKey: 'fleet-1' });
    expect(later.meta.cache).toBe('idempotent-replay');
    expect(mock.stats().total.requests).toBe(1);
    const conflict = await b
      .call('openai', { ...body, temperature: 0 }, { idempotencyKey: 'fleet-1' })
      .catch((err: { code: string }) => err.code);
    expect(conflict).toBe('idempotency_conflict');
  });
});
