/**
 * The connection to Redis, on ioredis. ioredis rather than node-redis because it has every knob a
 * store that must never hold a request hostage needs, each one documented and long in use: a
 * per-command timeout (`commandTimeout`), failing at once while disconnected instead of queueing
 * (`enableOfflineQueue: false`) and not resending what was in flight when the socket dropped
 * (`autoResendUnfulfilledCommands: false`), Lua scripts defined once and sent as EVALSHA with the
 * EVAL fallback built in (`defineCommand`), automatic pipelining of commands issued in the same
 * tick, TLS (`rediss://`) and auth from the URL, and a Cluster client with the same API.
 *
 * A failed or late command marks the store degraded (store-health.ts); a probe then PINGs every
 * `probeMs` and marks it recovered on the first answer. ioredis reconnects on its own, every
 * 100 ms growing to 1 s.
 */
import { Redis } from 'ioredis';
import type { Clock } from '../../core/clock.ts';
import type { StoreHealth } from '../store-health.ts';

export interface RedisConnectionOptions {
  url: string;
  /** A command not answered in this time fails and the store is treated as down. */
  timeoutMs: number;
  health: StoreHealth;
  clock: Clock;
  /** How often a degraded store is probed. @default 500 */
  probeMs?: number;
}

/** One argument list for a script: its keys, then its arguments. */
export type ScriptCall = (...args: (string | number)[]) => Promise<unknown>;

const DISCONNECTED = /stream isn't writeable|connection is closed|ECONNREFUSED|ECONNRESET/i;

export class RedisConnection {
  readonly client: Redis;
  readonly #health: StoreHealth;
  readonly #clock: Clock;
  readonly #probeMs: number;
  #stopProbe: (() => void) | undefined;
  #lastError = '';
  #closed = false;
  readonly #ready: Promise<void>;

  constructor(options: RedisConnectionOptions) {
    this.#health = options.health;
    this.#clock = options.clock;
    this.#probeMs = options.probeMs ?? 500;
    this.client = new Redis(options.url, {
      commandTimeout: options.timeoutMs,
      connectTimeout: Math.max(1_000, options.timeoutMs * 4),
      enableOfflineQueue: false,
      autoResendUnfulfilledCommands: false,
      maxRetriesPerRequest: 0,
      enableAutoPipelining: true,
      retryStrategy: (times) => Math.min(100 * times, 1_000),
      connectionName: 'breakwater',
    });
    this.client.on('error', (err: Error) => {
      this.#lastError = err.message;
    });
    this.client.on('close', () => {
      if (!this.#closed)
        this.fail(`connection closed${this.#lastError ? `: ${this.#lastError}` : ''}`);
    });
    this.client.on('ready', () => this.#probe());
    this.#ready = new Promise<void>((resolve) => {
      const cancel = this.#clock.timer(Math.max(1_000, options.timeoutMs * 4), () => {
        this.fail(`not reachable${this.#lastError ? `: ${this.#lastError}` : ''}`);
        resolve();
      });
      this.client.once('ready', () => {
        cancel();
        resolve();
      });
    });
  }

  /** Resolves once connected, or once the first connection attempt has timed out. */
  ready(): Promise<void> {
    return this.#ready;
  }

  /**
   * Defines a Lua script; the returned function takes its keys, then its arguments — or, with
   * `numberOfKeys` left out, the number of keys first.
   */
  script(name: string, lua: string, numberOfKeys?: number): ScriptCall {
    this.client.defineCommand(name, numberOfKeys === undefined ? { lua } : { lua, numberOfKeys });
    const client = this.client as unknown as Record<string, ScriptCall>;
    return (...args) => client[name]!(...args);
  }

  /** Reports a failed call: the store is degraded until the probe finds it answering. */
  fail(reason: string): void {
    if (this.#closed) return;
    this.#health.fail(reason);
    this.#armProbe();
  }

  /** `call`, with a failure reported (the store turns degraded) before it is passed on. */
  async guard<T>(call: Promise<T>): Promise<T> {
    try {
      return await call;
    } catch (error) {
      this.fail(RedisConnection.reason(error));
      throw error;
    }
  }

  /**
   * The message a failed call gives, for logs (never a key or a value). ioredis words a call
   * refused while disconnected after its own internals ("Stream isn't writeable…", "Connection is
   * closed."); an operator reads that the connection is gone.
   */
  static reason(error: unknown): string {
    const message = error instanceof Error ? error.message : String(error);
    return DISCONNECTED.test(message) ? `no connection to Redis (${message})` : message;
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#stopProbe?.();
    this.#stopProbe = undefined;
    if (this.client.status === 'end') return;
    await this.client.quit().catch(() => this.client.disconnect());
  }

  #armProbe(): void {
    if (this.#stopProbe || this.#closed) return;
    this.#stopProbe = this.#clock.timer(this.#probeMs, () => {
      this.#stopProbe = undefined;
      this.#probe();
    });
  }

  #probe(): void {
    if (!this.#health.degraded || this.#closed) return;
    this.client.ping().then(
      () => this.#health.recover(),
      () => this.#armProbe(),
    );
  }
}
