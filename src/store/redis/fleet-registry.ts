/**
 * How many gateways share the store: each one heartbeats into a sorted set (member: its id,
 * score: the time), drops members silent for `staleMs` and reads the count — one script every
 * `heartbeatMs`. The count is what each gateway's share of a limit is computed from while the
 * store is down, so the last one seen is kept through an outage; it never falls below 1 (this
 * gateway) and a configured `fleetSize` overrides it.
 */
import type { Clock } from '../../core/clock.ts';
import type { RedisConnection, ScriptCall } from './redis-connection.ts';
import type { RedisKeys } from './redis-keys.ts';

/** KEYS: the fleet set. ARGV: member, now, staleMs. */
const HEARTBEAT_LUA = `
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', tonumber(ARGV[2]) - tonumber(ARGV[3]))
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[3]) * 2)
return redis.call('ZCARD', KEYS[1])
`;

export interface FleetRegistryOptions {
  member: string;
  clock: Clock;
  /** @default 1000 */
  heartbeatMs?: number;
  /** A gateway not heard from in this time no longer counts. @default 5000 */
  staleMs?: number;
}

export class FleetRegistry {
  readonly #connection: RedisConnection;
  readonly #keys: RedisKeys;
  readonly #o: Required<FleetRegistryOptions>;
  readonly #heartbeat: ScriptCall;
  #stop: (() => void) | undefined;
  #running = false;
  /** Gateways seen at the last heartbeat that reached the store; undefined before the first. */
  seen: number | undefined;

  constructor(connection: RedisConnection, keys: RedisKeys, options: FleetRegistryOptions) {
    this.#connection = connection;
    this.#keys = keys;
    this.#o = { heartbeatMs: 1_000, staleMs: 5_000, ...options };
    this.#heartbeat = connection.script('bwFleetHeartbeat', HEARTBEAT_LUA, 1);
  }

  /** Heartbeats now and then every `heartbeatMs` until `stop()`. */
  start(): Promise<void> {
    this.#running = true;
    return this.beat();
  }

  async beat(): Promise<void> {
    const { member, clock, staleMs } = this.#o;
    try {
      const count = await this.#connection.guard(
        this.#heartbeat(this.#keys.fleet, member, clock.now(), staleMs),
      );
      this.seen = Math.max(1, Number(count));
    } catch {
      // The connection reported it; the last count seen stands.
    }
    this.#arm();
  }

  /** Stops heartbeating and leaves the fleet (best effort). */
  async stop(): Promise<void> {
    this.#running = false;
    this.#stop?.();
    this.#stop = undefined;
    await this.#connection.client.zrem(this.#keys.fleet, this.#o.member).catch(() => {});
  }

  #arm(): void {
    if (!this.#running || this.#stop) return;
    this.#stop = this.#o.clock.timer(this.#o.heartbeatMs, () => {
      this.#stop = undefined;
      void this.beat();
    });
  }
}
