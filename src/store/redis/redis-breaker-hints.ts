/**
 * Breaker hints in Redis: a target's hint is a key (JSON, expiring when its open period ends)
 * written and published on one channel by one script; every gateway subscribes on a second
 * connection (a subscribed connection can do nothing else) and, on each (re)subscription, reads
 * the hints still live, so a gateway that starts or reconnects during an outage of a target
 * learns of it too. The probe claim is `SET NX PX`: the first gateway to ask wins it until it
 * lapses.
 */
import type { Redis } from 'ioredis';
import { EventEmitter } from '../../core/events.ts';
import type { BreakerHint, BreakerHints } from '../breaker-hints.ts';
import type { StoreHealth } from '../store-health.ts';
import { RedisConnection, type ScriptCall } from './redis-connection.ts';
import type { RedisKeys } from './redis-keys.ts';

/** KEYS: hint. ARGV: channel, JSON, ttl ms (0: remove). */
const PUBLISH_LUA = `
if tonumber(ARGV[3]) > 0 then
  redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
else
  redis.call('DEL', KEYS[1])
end
redis.call('PUBLISH', ARGV[1], ARGV[2])
return 1
`;

/** An open hint outlives its open period by this, so a late reader still sees the doubled period. */
const KEEP_AFTER_MS = 1_000;

export class RedisBreakerHints implements BreakerHints {
  readonly #connection: RedisConnection;
  readonly #keys: RedisKeys;
  readonly #health: StoreHealth;
  readonly #now: () => number;
  readonly #publish: ScriptCall;
  readonly #subscriber: Redis;
  readonly #hints = new EventEmitter<BreakerHint>();
  readonly onHint = this.#hints.event;

  constructor(
    connection: RedisConnection,
    keys: RedisKeys,
    health: StoreHealth,
    now: () => number,
  ) {
    this.#connection = connection;
    this.#keys = keys;
    this.#health = health;
    this.#now = now;
    this.#publish = connection.script('bwBreakerPublish', PUBLISH_LUA, 1);
    this.#subscriber = connection.client.duplicate({ enableAutoPipelining: false });
    this.#subscriber.on('error', () => {});
    this.#subscriber.on('message', (_channel: string, message: string) => this.#receive(message));
    this.#subscriber.on('ready', () => {
      this.#subscriber.subscribe(keys.breakerChannel).catch(() => {});
      void this.#readLive();
    });
  }

  async publish(hint: BreakerHint): Promise<void> {
    if (this.#health.degraded) return;
    const ttl =
      hint.state === 'open' ? Math.max(1, (hint.openUntil ?? 0) - this.#now() + KEEP_AFTER_MS) : 0;
    try {
      await this.#connection.guard(
        this.#publish(
          this.#keys.breaker(hint.target),
          this.#keys.breakerChannel,
          JSON.stringify(hint),
          ttl,
        ),
      );
    } catch {
      // The store is down: each gateway's breaker decides on its own until it is back.
    }
  }

  async claimProbe(target: string, ttlMs: number): Promise<boolean> {
    // Down: every gateway probes for itself, as a single process would.
    if (this.#health.degraded) return true;
    try {
      const won = await this.#connection.guard(
        this.#connection.client.set(this.#keys.probe(target), '1', 'PX', ttlMs, 'NX'),
      );
      return won === 'OK';
    } catch {
      return true;
    }
  }

  async close(): Promise<void> {
    this.#subscriber.disconnect();
  }

  #receive(message: string): void {
    let hint: BreakerHint;
    try {
      hint = JSON.parse(message) as BreakerHint;
    } catch {
      return;
    }
    if (typeof hint.target !== 'string' || (hint.state !== 'open' && hint.state !== 'closed'))
      return;
    this.#hints.emit(hint);
  }

  /** The hints still live, read when (re)subscribed: outages another gateway saw meanwhile. */
  async #readLive(): Promise<void> {
    const client = this.#connection.client;
    try {
      let cursor = '0';
      do {
        const [next, keys] = await client.scan(
          cursor,
          'MATCH',
          this.#keys.breakerPattern,
          'COUNT',
          200,
        );
        cursor = next;
        const hints = keys.filter((k) => !k.endsWith(':probe'));
        if (hints.length === 0) continue;
        for (const text of await client.mget(...hints)) if (text) this.#receive(text);
      } while (cursor !== '0');
    } catch (error) {
      this.#connection.fail(RedisConnection.reason(error));
    }
  }
}
