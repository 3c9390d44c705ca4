/**
 * The shared budget counters in Redis. Per budget and window one hash — `s` spent, `r` reserved,
 * `f` thresholds announced, `h:<hold>` each hold's amount — and a sorted set of the holds by
 * expiry, so a reservation whose gateway died lapses on its own (every script first sweeps the
 * holds that expired). Dollars are kept as integer nanodollars (HINCRBY is exact, and a cheap
 * call costs a few millionths of a dollar). Every key shares the `{budget}` hash tag, so one
 * script can check a call's route, tenant and total budgets together.
 */
import type {
  BudgetCounter,
  BudgetReservation,
  BudgetStore,
  CounterLevel,
  CounterSettlement,
  LimitedCounter,
  SettledCounter,
} from '../budget-store.ts';
import type { RedisConnection, ScriptCall } from './redis-connection.ts';
import type { RedisKeys } from './redis-keys.ts';

const NANO = 1e9;
const toNano = (usd: number) => Math.round(usd * NANO);

/** Drops the holds of counter c (holds h) that expired by `now`, giving back their reservation. */
const SWEEP = `
local function sweep(c, h, now)
  local expired = redis.call('ZRANGEBYSCORE', h, '-inf', now)
  for _, hold in ipairs(expired) do
    local amount = redis.call('HGET', c, 'h:' .. hold)
    if amount then
      redis.call('HINCRBY', c, 'r', -tonumber(amount))
      redis.call('HDEL', c, 'h:' .. hold)
    end
  end
  if #expired > 0 then redis.call('ZREMRANGEBYSCORE', h, '-inf', now) end
end
local function drop(c, h, hold)
  local amount = redis.call('HGET', c, 'h:' .. hold)
  if amount then
    redis.call('HINCRBY', c, 'r', -tonumber(amount))
    redis.call('HDEL', c, 'h:' .. hold)
    redis.call('ZREM', h, hold)
  end
end
`;

/** KEYS: counter, holds per budget. ARGV: now, hold, amount, holdTtl, n, then (limit, ttl) each. */
const RESERVE_LUA = `${SWEEP}
local now, hold, amount, holdTtl, n = ARGV[1], ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local out = { 0 }
for i = 1, n do
  local c, h = KEYS[2 * i - 1], KEYS[2 * i]
  sweep(c, h, now)
  local s = tonumber(redis.call('HGET', c, 's') or '0')
  local r = math.max(0, tonumber(redis.call('HGET', c, 'r') or '0'))
  out[2 * i] = s
  out[2 * i + 1] = r
  if out[1] == 0 and amount > 0 and s + r + amount > tonumber(ARGV[4 + 2 * i]) then out[1] = i end
end
if out[1] == 0 then
  for i = 1, n do
    local c, h = KEYS[2 * i - 1], KEYS[2 * i]
    local ttl = ARGV[5 + 2 * i]
    redis.call('HINCRBY', c, 'r', amount)
    redis.call('HSET', c, 'h:' .. hold, amount)
    redis.call('ZADD', h, tonumber(now) + holdTtl, hold)
    redis.call('PEXPIRE', c, ttl)
    redis.call('PEXPIRE', h, ttl)
  end
end
return out
`;

/** KEYS as reserve. ARGV: now, hold ('' for none), spent, n, then (ttl, m, m thresholds) each. */
const SETTLE_LUA = `${SWEEP}
local now, hold, spent, n = ARGV[1], ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4])
local out = {}
local o = 5
for i = 1, n do
  local c, h = KEYS[2 * i - 1], KEYS[2 * i]
  local ttl, m = ARGV[o], tonumber(ARGV[o + 1])
  sweep(c, h, now)
  if hold ~= '' then drop(c, h, hold) end
  local s = redis.call('HINCRBY', c, 's', spent)
  local f = tonumber(redis.call('HGET', c, 'f') or '0')
  local first = f
  while f < m and s >= tonumber(ARGV[o + 1 + f + 1]) do f = f + 1 end
  if f > first then redis.call('HSET', c, 'f', f) end
  redis.call('PEXPIRE', c, ttl)
  redis.call('PEXPIRE', h, ttl)
  out[3 * i - 2] = s
  out[3 * i - 1] = first
  out[3 * i] = f
  o = o + 2 + m
end
return out
`;

/** KEYS as reserve. ARGV: hold. */
const RELEASE_LUA = `${SWEEP}
for i = 1, #KEYS / 2 do drop(KEYS[2 * i - 1], KEYS[2 * i], ARGV[1]) end
return 1
`;

export class RedisBudgetStore implements BudgetStore {
  readonly #connection: RedisConnection;
  readonly #keys: RedisKeys;
  readonly #reserve: ScriptCall;
  readonly #settle: ScriptCall;
  readonly #release: ScriptCall;

  constructor(connection: RedisConnection, keys: RedisKeys) {
    this.#connection = connection;
    this.#keys = keys;
    this.#reserve = connection.script('bwBudgetReserve', RESERVE_LUA);
    this.#settle = connection.script('bwBudgetSettle', SETTLE_LUA);
    this.#release = connection.script('bwBudgetRelease', RELEASE_LUA);
  }

  async reserve(
    counters: readonly LimitedCounter[],
    holdId: string,
    amountUsd: number,
    holdTtlMs: number,
    now: number,
  ): Promise<BudgetReservation> {
    const keys = this.#keyList(counters);
    const args: (string | number)[] = [now, holdId, toNano(amountUsd), holdTtlMs, counters.length];
    for (const c of counters) args.push(toNano(c.limitUsd), c.ttlMs);
    const out = (await this.#connection.guard(
      this.#reserve(keys.length, ...keys, ...args),
    )) as number[];
    const levels: CounterLevel[] = counters.map((_, i) => ({
      spentUsd: out[2 * i + 1]! / NANO,
      reservedUsd: out[2 * i + 2]! / NANO,
    }));
    const refused = out[0]!;
    return refused === 0 ? { ok: true, levels } : { ok: false, index: refused - 1, levels };
  }

  async settle(
    counters: readonly SettledCounter[],
    holdId: string | undefined,
    spentUsd: number,
    now: number,
  ): Promise<CounterSettlement[]> {
    const keys = this.#keyList(counters);
    const args: (string | number)[] = [now, holdId ?? '', toNano(spentUsd), counters.length];
    for (const c of counters)
      args.push(c.ttlMs, c.thresholdsUsd.length, ...c.thresholdsUsd.map(toNano));
    const out = (await this.#connection.guard(
      this.#settle(keys.length, ...keys, ...args),
    )) as number[];
    return counters.map((_, i) => {
      const first = out[3 * i + 1]!;
      const last = out[3 * i + 2]!;
      const crossed: number[] = [];
      for (let t = first; t < last; t++) crossed.push(t);
      return { spentUsd: out[3 * i]! / NANO, crossed };
    });
  }

  async release(counters: readonly BudgetCounter[], holdId: string): Promise<void> {
    const keys = this.#keyList(counters);
    await this.#connection.guard(this.#release(keys.length, ...keys, holdId));
  }

  #keyList(counters: readonly BudgetCounter[]): string[] {
    const keys: string[] = [];
    for (const c of counters) {
      keys.push(this.#keys.budget(c.key, c.windowId), this.#keys.budgetHolds(c.key, c.windowId));
    }
    return keys;
  }
}
