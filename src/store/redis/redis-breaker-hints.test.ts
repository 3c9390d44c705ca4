/**
 * Breaker hints through a real redis-server: a hint published by one gateway reaches the others
 * at once, a gateway that connects later reads the hints still live, and exactly one gateway of
 * the fleet wins a half-open probe.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { BreakerHint } from '../breaker-hints.ts';
import { REDIS_SERVER_BIN, type RedisServer, startRedisServer } from './redis-server.fixture.ts';
import { createRedisStore, type RedisStore } from './redis-store.ts';

let server: RedisServer;
const stores: RedisStore[] = [];

function open(keyPrefix: string): RedisStore {
  const store = createRedisStore({ url: server.url, keyPrefix });
  stores.push(store);
  return store;
}

describe.skipIf(!REDIS_SERVER_BIN)('breaker hints in Redis', () => {
  beforeAll(async () => {
    server = await startRedisServer();
  });
  afterAll(async () => {
    await Promise.all(stores.map((s) => s.close()));
    await server?.stop();
  });

  it('publishes a hint to the other gateways and keeps it for those that connect later', async () => {
    const [a, b] = [open('h1:'), open('h1:')];
    await Promise.all([a.ready(), b.ready()]);
    const seen: BreakerHint[] = [];
    b.fleet.breakers.onHint((hint) => seen.push(hint));
    // The subscriber connects on its own; wait until a hint gets through.
    const hint: BreakerHint = {
      target: 'openai/gpt-4o',
      state: 'open',
      openUntil: Date.now() + 30_000,
      openMs: 30_000,
      from: a.fleet.member,
    };
    await vi.waitFor(
      async () => {
        await a.fleet.breakers.publish(hint);
        expect(seen).toContainEqual(hint);
      },
      { timeout: 5_000 },
    );
    const late = open('h1:');
    const lateSeen: BreakerHint[] = [];
    late.fleet.breakers.onHint((h) => lateSeen.push(h));
    await vi.waitFor(() => expect(lateSeen).toEqual([hint]), { timeout: 5_000 });
    // Closed: the key goes, and the others hear it.
    await a.fleet.breakers.publish({ ...hint, state: 'closed', openUntil: undefined });
    await vi.waitFor(() => expect(seen.at(-1)?.state).toBe('closed'));
    const later = open('h1:');
    const laterSeen: BreakerHint[] = [];
    later.fleet.breakers.onHint((h) => laterSeen.push(h));
    await later.ready();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(laterSeen).toEqual([]);
  });

  it('gives the half-open probe to one gateway of the fleet', async () => {
    const gateways = [open('h2:'), open('h2:'), open('h2:')];
    await Promise.all(gateways.map((g) => g.ready()));
    const claims = await Promise.all(
      gateways.map((g) => g.fleet.breakers.claimProbe('openai/gpt-4o', 60_000)),
    );
    expect(claims.filter(Boolean)).toHaveLength(1);
  });
});
