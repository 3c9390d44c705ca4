/**
 * Idempotency records in Redis: one hash per key (`f` fingerprint, `s` state, `c` created,
 * `r` result), created by a script only if absent, so exactly one gateway of a fleet goes ahead
 * with a key. While Redis is down, records are made and read in a local in-memory store (a
 * duplicate sent to two gateways during an outage can then run twice — the local view, stated in
 * docs/fleet.md); a record made locally stays local until it expires.
 */
import type { Clock } from '../../core/clock.ts';
import type {
  IdempotencyBegin,
  IdempotencyRecord,
  IdempotencyStore,
} from '../idempotency-store.ts';
import { MemoryIdempotencyStore } from '../memory-idempotency-store.ts';
import type { StoreHealth } from '../store-health.ts';
import { RedisConnection, type ScriptCall } from './redis-connection.ts';
import type { RedisKeys } from './redis-keys.ts';

/** KEYS: record. ARGV: fingerprint, now, ttl. An existing record comes back whole. */
const BEGIN_LUA = `
if redis.call('EXISTS', KEYS[1]) == 1 then
  return redis.call('HMGET', KEYS[1], 'f', 's', 'c', 'r')
end
redis.call('HSET', KEYS[1], 'f', ARGV[1], 's', 'pending', 'c', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 0
`;

/** KEYS: record. ARGV: fingerprint, result, ttl. */
const COMPLETE_LUA = `
if redis.call('HGET', KEYS[1], 'f') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 's', 'complete', 'r', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1
`;

/** KEYS: record. ARGV: fingerprint. */
const RELEASE_LUA = `
if redis.call('HGET', KEYS[1], 'f') == ARGV[1] and redis.call('HGET', KEYS[1], 's') == 'pending' then
  redis.call('DEL', KEYS[1])
end
return 1
`;

type Fields = [string | null, string | null, string | null, string | null];

function record(fields: Fields): IdempotencyRecord | undefined {
  const [fingerprint, state, created, result] = fields;
  if (fingerprint === null || state === null) return undefined;
  const out: IdempotencyRecord = {
    fingerprint,
    state: state === 'complete' ? 'complete' : 'pending',
    createdAt: Number(created),
  };
  if (result !== null) out.result = result;
  return out;
}

export class RedisIdempotencyStore implements IdempotencyStore {
  readonly #connection: RedisConnection;
  readonly #keys: RedisKeys;
  readonly #health: StoreHealth;
  readonly #clock: Clock;
  readonly #local: MemoryIdempotencyStore;
  readonly #begin: ScriptCall;
  readonly #complete: ScriptCall;
  readonly #release: ScriptCall;

  constructor(connection: RedisConnection, keys: RedisKeys, health: StoreHealth, clock: Clock) {
    this.#connection = connection;
    this.#keys = keys;
    this.#health = health;
    this.#clock = clock;
    this.#local = new MemoryIdempotencyStore({ clock });
    this.#begin = connection.script('bwIdemBegin', BEGIN_LUA, 1);
    this.#complete = connection.script('bwIdemComplete', COMPLETE_LUA, 1);
    this.#release = connection.script('bwIdemRelease', RELEASE_LUA, 1);
  }

  async begin(key: string, fingerprint: string, ttlMs: number): Promise<IdempotencyBegin> {
    if (this.#health.degraded || this.#local.has(key)) {
      return this.#local.begin(key, fingerprint, ttlMs);
    }
    try {
      const now = this.#clock.now();
      const out = await this.#begin(this.#keys.idempotency(key), fingerprint, now, ttlMs);
      const existing = out === 0 ? undefined : record(out as Fields);
      return existing ? { created: false, record: existing } : { created: true };
    } catch (error) {
      this.#connection.fail(RedisConnection.reason(error));
      return this.#local.begin(key, fingerprint, ttlMs);
    }
  }

  async get(key: string): Promise<IdempotencyRecord | undefined> {
    if (this.#health.degraded || this.#local.has(key)) return this.#local.get(key);
    try {
      const fields = await this.#connection.client.hmget(
        this.#keys.idempotency(key),
        'f',
        's',
        'c',
        'r',
      );
      return record(fields as Fields);
    } catch (error) {
      this.#connection.fail(RedisConnection.reason(error));
      return undefined;
    }
  }

  async complete(key: string, fingerprint: string, result: string, ttlMs: number) {
    if (this.#local.has(key)) return this.#local.complete(key, fingerprint, result, ttlMs);
    if (this.#health.degraded) return false;
    try {
      return (await this.#complete(this.#keys.idempotency(key), fingerprint, result, ttlMs)) === 1;
    } catch (error) {
      this.#connection.fail(RedisConnection.reason(error));
      return false;
    }
  }

  async release(key: string, fingerprint: string): Promise<void> {
    if (this.#local.has(key)) return this.#local.release(key, fingerprint);
    if (this.#health.degraded) return;
    try {
      await this.#release(this.#keys.idempotency(key), fingerprint);
    } catch (error) {
      this.#connection.fail(RedisConnection.reason(error));
    }
  }
}
