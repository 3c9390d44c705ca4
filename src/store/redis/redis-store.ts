/**
 * `createRedisStore()`: the store of a fleet. One connection (redis-connection.ts) under every
 * part: the shared token buckets and budget counters, the response cache, idempotency records,
 * breaker hints (which add a subscriber connection), the fleet's register — and one `StoreHealth` they all report to, so the first failed call turns
 * the whole store degraded (each part then serves on its local view) and the probe's first answer
 * brings it back.
 */
import { randomBytes } from 'node:crypto';
import { type Clock, systemClock } from '../../core/clock.ts';
import type { FleetState } from '../fleet-state.ts';
import type { Store } from '../store.ts';
import { StoreHealth } from '../store-health.ts';
import { FleetRegistry } from './fleet-registry.ts';
import { RedisBreakerHints } from './redis-breaker-hints.ts';
import { RedisBucketStore } from './redis-buckets.ts';
import { RedisBudgetStore } from './redis-budgets.ts';
import { RedisCacheStore, type RedisCacheStoreOptions } from './redis-cache-store.ts';
import { RedisConnection } from './redis-connection.ts';
import { RedisIdempotencyStore } from './redis-idempotency-store.ts';
import { RedisKeys } from './redis-keys.ts';

export interface RedisStoreOptions {
  /** `redis://[user:password@]host:port[/db]`, or `rediss://…` for TLS. */
  url: string;
  /** Put before every key, so several deployments can share one Redis. @default 'breakwater:' */
  keyPrefix?: string;
  /** Gateways in the fleet; learned from their heartbeats when absent. */
  fleetSize?: number;
  /** A command not answered in this time fails and the store is treated as down. @default 250 */
  timeoutMs?: number;
  /** Fleet heartbeat period. @default 1000 */
  heartbeatMs?: number;
  /** How often a store found down is probed. @default 500 */
  probeMs?: number;
  cache?: RedisCacheStoreOptions;
  clock?: Clock;
}

export const REDIS_STORE_DEFAULTS = Object.freeze({
  keyPrefix: 'breakwater:',
  timeoutMs: 250,
  heartbeatMs: 1_000,
  probeMs: 500,
});

/** A fleet that never reached its store and was given no `fleetSize` assumes this many. */
const ASSUMED_FLEET_SIZE = 2;

export interface RedisStore extends Store {
  readonly kind: 'redis';
  readonly fleet: FleetState;
}

export function createRedisStore(options: RedisStoreOptions): RedisStore {
  const clock = options.clock ?? systemClock;
  const timeoutMs = options.timeoutMs ?? REDIS_STORE_DEFAULTS.timeoutMs;
  const keys = new RedisKeys(options.keyPrefix ?? REDIS_STORE_DEFAULTS.keyPrefix);
  const health = new StoreHealth('redis', clock);
  const connection = new RedisConnection({
    url: options.url,
    timeoutMs,
    health,
    clock,
    probeMs: options.probeMs ?? REDIS_STORE_DEFAULTS.probeMs,
  });
  const member = randomBytes(6).toString('hex');
  const registry = new FleetRegistry(connection, keys, {
    member,
    clock,
    heartbeatMs: options.heartbeatMs ?? REDIS_STORE_DEFAULTS.heartbeatMs,
  });
  // Heartbeats start with the connection; the count is wanted before the first outage.
  const ready = connection.ready().then(() => registry.start());
  const breakers = new RedisBreakerHints(connection, keys, health, () => clock.now());
  const fleet: FleetState = {
    health,
    member,
    buckets: new RedisBucketStore(connection, keys),
    budgets: new RedisBudgetStore(connection, keys),
    breakers,
    fleetSize: () => options.fleetSize ?? registry.seen ?? ASSUMED_FLEET_SIZE,
  };
  return {
    kind: 'redis',
    cache: new RedisCacheStore(connection, keys, health, clock, options.cache),
    idempotency: new RedisIdempotencyStore(connection, keys, health, clock),
    fleet,
    ready: () => ready,
    async close() {
      await ready;
      await registry.stop();
      await breakers.close();
      await connection.close();
    },
  };
}
