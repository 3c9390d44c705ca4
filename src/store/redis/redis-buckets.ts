/**
 * The shared token buckets in Redis: one hash per limit scope (`<bucket>.t` the level,
 * `<bucket>.u` when it was computed, `b` the block), changed only by two Lua scripts, each one
 * round trip:
 *
 *   take:   refill every bucket to now, and take the cost from all of them if each holds what it
 *           needs; otherwise take nothing and answer the wait (the longest missing refill, or
 *           the block). A refused take writes nothing.
 *   charge: refill, then charge or refund each bucket (debt allowed; never above capacity),
 *           lower levels the provider reported lower, raise the block.
 *
 * Time comes from the caller's clock, so gateways must keep their clocks in step (NTP): a clock
 * running ahead refills early by its lead, and a level's time never moves backwards, so a clock
 * behind refills nothing until it catches up. Levels travel as strings: Redis truncates numbers a
 * script returns to integers. The hash expires once every bucket would have refilled (a minute)
 * and then some, when a missing hash means "full" again.
 */
import type {
  BucketCharge,
  BucketReply,
  BucketStore,
  BucketTake,
  SharedBucket,
} from '../bucket-store.ts';
import type { RedisConnection, ScriptCall } from './redis-connection.ts';
import type { RedisKeys } from './redis-keys.ts';

/** Kept this long after the last change: a per-minute bucket is full again after 60 s. */
const LANE_TTL_MS = 120_000;

/** Shared by both scripts: refills bucket `i` (its arguments start at ARGV[o]) into `level[i]`. */
const REFILL = `
local function refill(key, now, o)
  local name = ARGV[o]
  local cap, rate, seed = tonumber(ARGV[o + 1]), tonumber(ARGV[o + 2]), tonumber(ARGV[o + 3])
  local saved = redis.call('HMGET', key, name .. '.t', name .. '.u')
  local level, at = seed, now
  if saved[1] then
    level = tonumber(saved[1])
    at = tonumber(saved[2])
  end
  if now > at then
    level = level + (now - at) * rate
    at = now
  end
  if level > cap then level = cap end
  return level, at, cap, rate
end
`;

const TAKE_LUA = `${REFILL}
local key, now, ttl, n = KEYS[1], tonumber(ARGV[1]), ARGV[2], tonumber(ARGV[3])
local blocked = tonumber(redis.call('HGET', key, 'b') or '0')
local wait = 0
if blocked > now then wait = blocked - now end
local level, at = {}, {}
for i = 1, n do
  local o = 4 + (i - 1) * 6
  local cap, rate
  level[i], at[i], cap, rate = refill(key, now, o)
  local cost, need = tonumber(ARGV[o + 4]), tonumber(ARGV[o + 5])
  if cost > 0 and level[i] + 1e-9 < need then
    if rate <= 0 or need > cap + 1e-9 then
      wait = -1
    elseif wait >= 0 then
      wait = math.max(wait, math.ceil((need - level[i]) / rate - 1e-9))
    end
  end
end
local ok = 0
if wait == 0 then
  ok = 1
  for i = 1, n do
    local o = 4 + (i - 1) * 6
    level[i] = level[i] - tonumber(ARGV[o + 4])
    redis.call('HSET', key, ARGV[o] .. '.t', tostring(level[i]), ARGV[o] .. '.u', tostring(at[i]))
  end
  redis.call('PEXPIRE', key, ttl)
end
local out = { ok, tostring(wait), tostring(blocked) }
for i = 1, n do out[3 + i] = tostring(level[i]) end
return out
`;

const CHARGE_LUA = `${REFILL}
local key, now, ttl, n = KEYS[1], tonumber(ARGV[1]), ARGV[2], tonumber(ARGV[3])
local block = tonumber(ARGV[4])
local blocked = tonumber(redis.call('HGET', key, 'b') or '0')
if block > blocked then
  blocked = block
  redis.call('HSET', key, 'b', tostring(blocked))
end
local out = { 1, '0', tostring(blocked) }
for i = 1, n do
  local o = 5 + (i - 1) * 6
  local level, at, cap = refill(key, now, o)
  local amount, lower = tonumber(ARGV[o + 4]), ARGV[o + 5]
  if amount > 0 then
    level = level - amount
  elseif amount < 0 then
    level = math.min(cap, level - amount)
  end
  if lower ~= '' and level > tonumber(lower) then level = tonumber(lower) end
  redis.call('HSET', key, ARGV[o] .. '.t', tostring(level), ARGV[o] .. '.u', tostring(at))
  out[3 + i] = tostring(level)
end
redis.call('PEXPIRE', key, ttl)
return out
`;

function shape(args: (string | number)[], b: SharedBucket): void {
  args.push(b.name, b.capacity, b.refillPerMs, b.seed);
}

function parse(raw: unknown): BucketReply {
  const out = raw as [number, string, string, ...string[]];
  const wait = Number(out[1]);
  const levels: number[] = [];
  for (let i = 3; i < out.length; i++) levels.push(Number(out[i]));
  return {
    ok: out[0] === 1,
    waitMs: wait < 0 ? Number.POSITIVE_INFINITY : wait,
    blockedUntil: Number(out[2]),
    levels,
  };
}

export class RedisBucketStore implements BucketStore {
  readonly #connection: RedisConnection;
  readonly #keys: RedisKeys;
  readonly #take: ScriptCall;
  readonly #charge: ScriptCall;

  constructor(connection: RedisConnection, keys: RedisKeys) {
    this.#connection = connection;
    this.#keys = keys;
    this.#take = connection.script('bwBucketTake', TAKE_LUA, 1);
    this.#charge = connection.script('bwBucketCharge', CHARGE_LUA, 1);
  }

  async take(scope: string, now: number, buckets: readonly BucketTake[]): Promise<BucketReply> {
    const args: (string | number)[] = [this.#keys.lane(scope), now, LANE_TTL_MS, buckets.length];
    for (const b of buckets) {
      shape(args, b);
      args.push(b.cost, b.need);
    }
    return parse(await this.#connection.guard(this.#take(...args)));
  }

  async charge(
    scope: string,
    now: number,
    buckets: readonly BucketCharge[],
    blockUntil = 0,
  ): Promise<BucketReply> {
    const args: (string | number)[] = [
      this.#keys.lane(scope),
      now,
      LANE_TTL_MS,
      buckets.length,
      blockUntil,
    ];
    for (const b of buckets) {
      shape(args, b);
      args.push(b.amount, b.lowerTo ?? '');
    }
    return parse(await this.#connection.guard(this.#charge(...args)));
  }
}
