/**
 * Keep-alive connection pools to the providers, one undici `Pool` per configured origin.
 *
 * Origins come only from the config: a pool is created with the list of origins it may dial and
 * refuses any other, so nothing a client sends can point breakwater at another host. Each pool
 * keeps HTTP/1.1 connections alive between requests (no pipelining: an LLM answer can take
 * minutes and one slow answer must not hold up the next), caps how many it opens, and enforces a
 * connect timeout on every new connection.
 *
 * The connect timeout belongs to the connector that dials sockets shared by many calls, so it is
 * a property of the pool, like Envoy's per-cluster `connect_timeout`. A call that asks for a
 * different one gets its own pool for that origin and value (routes rarely differ, so there are
 * few). The connector is injectable: undici's `buildConnector({ timeout })` by default, which
 * times out the dial itself; an injected connector is wrapped in `withConnectTimeout()`.
 */
import { buildConnector, type Dispatcher, Pool } from 'undici';
import { type Clock, systemClock } from '../core/clock.ts';
import { type Connector, withConnectTimeout } from './connect-timeout.ts';
import { normalizeOrigin } from './origin.ts';

export interface UpstreamPoolOptions {
  /** The origins (`https://api.openai.com`) this pool may dial; paths are ignored. */
  origins: readonly string[];
  /** Connections kept per origin at most (opened as needed); more concurrent calls wait for one. Streams hold theirs for their whole length, hence the large default. @default 2048 */
  connections?: number;
  /** Connect timeout for calls that do not set one, in milliseconds. @default 5000 */
  connectTimeoutMs?: number;
  /** How long an idle connection is kept when the server gives no keep-alive hint. @default 30000 */
  keepAliveTimeoutMs?: number;
  /** Upper bound on a server's keep-alive hint, in milliseconds. @default 600000 */
  keepAliveMaxTimeoutMs?: number;
  /**
   * Dials the sockets. Given, it is wrapped with the pool's connect timeout.
   * @default undici's buildConnector({ timeout: connectTimeoutMs, keepAlive: true })
   */
  connector?: Connector;
  /** For the connect timeout of an injected connector. @default systemClock */
  clock?: Clock;
}

export const UPSTREAM_POOL_DEFAULTS = Object.freeze({
  connections: 2048,
  connectTimeoutMs: 5_000,
  keepAliveTimeoutMs: 30_000,
  keepAliveMaxTimeoutMs: 600_000,
});

/** One origin pool's connection counts. */
export interface PoolStats {
  /** Open connections. */
  connected: number;
  /** Open connections with no request on them. */
  free: number;
  /** Requests waiting for a connection. */
  pending: number;
  /** Requests on a connection now. */
  running: number;
  /** pending + running. */
  size: number;
}

function positiveInt(name: string, value: number): number {
  if (!Number.isInteger(value) || value <= 0) {
    throw new TypeError(`Expected \`${name}\` to be a positive integer, got ${value}`);
  }
  return value;
}

function durationMs(name: string, value: number): number {
  if (!Number.isFinite(value) || value < 0) {
    throw new TypeError(
      `Expected \`${name}\` to be a non-negative number of milliseconds, got ${value}`,
    );
  }
  return value;
}

/** What a call needs of the pool: the dispatcher for an origin. Tests give a fake. */
export type UpstreamDispatchers = Pick<UpstreamPool, 'dispatcher' | 'connectTimeoutMs'>;

export class UpstreamPool {
  readonly #origins: ReadonlySet<string>;
  readonly #connections: number;
  readonly #connectTimeoutMs: number;
  readonly #keepAliveTimeoutMs: number;
  readonly #keepAliveMaxTimeoutMs: number;
  readonly #connector: Connector | undefined;
  readonly #clock: Clock;
  /** `origin connectMs`, normalized → its pool. */
  readonly #pools = new Map<string, Pool>();
  /** `origin connectMs` as callers spell it → dispatcher, so the hot path skips URL parsing. */
  readonly #byCallKey = new Map<string, Dispatcher>();
  #closed = false;

  constructor(options: UpstreamPoolOptions) {
    const d = UPSTREAM_POOL_DEFAULTS;
    this.#origins = new Set(options.origins.map(normalizeOrigin));
    this.#connections = positiveInt('connections', options.connections ?? d.connections);
    this.#connectTimeoutMs = durationMs(
      'connectTimeoutMs',
      options.connectTimeoutMs ?? d.connectTimeoutMs,
    );
    this.#keepAliveTimeoutMs = durationMs(
      'keepAliveTimeoutMs',
      options.keepAliveTimeoutMs ?? d.keepAliveTimeoutMs,
    );
    this.#keepAliveMaxTimeoutMs = durationMs(
      'keepAliveMaxTimeoutMs',
      options.keepAliveMaxTimeoutMs ?? d.keepAliveMaxTimeoutMs,
    );
    this.#connector = options.connector;
    this.#clock = options.clock ?? systemClock;
  }

  /** The configured origins, normalized. */
  get origins(): readonly string[] {
    return [...this.#origins];
  }

  /** The connect timeout calls get when they set none, in milliseconds. */
  get connectTimeoutMs(): number {
    return this.#connectTimeoutMs;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /**
   * The dispatcher for `origin` with this connect timeout, created on first use. Throws for an
   * origin that is not configured or a closed pool.
   */
  dispatcher(origin: string, connectTimeoutMs: number = this.#connectTimeoutMs): Dispatcher {
    if (this.#closed) throw new Error('upstream pool is closed');
    const callKey = `${origin} ${connectTimeoutMs}`;
    const cached = this.#byCallKey.get(callKey);
    if (cached) return cached;
    const normalized = normalizeOrigin(origin);
    const key = `${normalized} ${connectTimeoutMs}`;
    const found = this.#pools.get(key);
    if (found) {
      this.#byCallKey.set(callKey, found);
      return found;
    }
    if (!this.#origins.has(normalized)) {
      throw new Error(
        `upstream origin ${normalized} is not configured (configured: ${this.origins.join(', ') || 'none'})`,
      );
    }
    durationMs('connectTimeoutMs', connectTimeoutMs);
    const pool = new Pool(normalized, {
      connections: this.#connections,
      pipelining: 1,
      keepAliveTimeout: this.#keepAliveTimeoutMs,
      keepAliveMaxTimeout: this.#keepAliveMaxTimeoutMs,
      connect: this.#connector
        ? withConnectTimeout(this.#connector, connectTimeoutMs, this.#clock)
        : buildConnector({ timeout: connectTimeoutMs, keepAlive: true }),
    });
    this.#pools.set(key, pool);
    this.#byCallKey.set(callKey, pool);
    return pool;
  }

  /** Connection counts per origin pool (`connected`, `free`, `pending`, `running`), for health and tests. */
  stats(): Record<string, PoolStats> {
    const out: Record<string, PoolStats> = {};
    for (const [key, pool] of this.#pools) {
      const { connected, free, pending, running, size } = pool.stats;
      out[key] = { connected, free, pending, running, size };
    }
    return out;
  }

  /** Lets in-flight requests finish, then closes every connection. */
  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all([...this.#pools.values()].map((pool) => pool.close()));
    this.#pools.clear();
    this.#byCallKey.clear();
  }

  /** Closes every connection now; in-flight requests fail with `err`. */
  async destroy(err?: Error): Promise<void> {
    this.#closed = true;
    await Promise.all([...this.#pools.values()].map((pool) => pool.destroy(err ?? null)));
    this.#pools.clear();
    this.#byCallKey.clear();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

/** A pool for the configured origins. */
export function createUpstreamPool(options: UpstreamPoolOptions): UpstreamPool {
  return new UpstreamPool(options);
}
