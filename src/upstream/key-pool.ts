/**
 * The API keys of one provider, built from its `apiKey` source:
 *
 * - one key: always that key;
 * - a list: handed out round robin; after a 401, `rotate()` leaves the failing key out for
 *   `coolDownMs` and moves on to the next healthy one;
 * - a function: called once, its value cached; after a 401, `rotate()` calls it exactly once more
 *   to pick up a rotated key — concurrent `rotate()` calls share that one call, and a caller
 *   whose failed key was already replaced gets the new key without another call.
 *
 * Keys are secrets: they live in private fields, and `toString()`, `toJSON()` and `util.inspect`
 * describe the pool without them. No error message ever contains one: every key the pool holds,
 * listed or returned by the function, is added to the values scrubbed from what leaves the
 * process (errors/secret-values.ts) before it is first handed out.
 */

import type { ApiKeySource } from '../config/config-types.ts';
import type { Clock } from '../core/clock.ts';
import { systemClock } from '../core/clock.ts';
import { BreakwaterError } from '../errors/index.ts';
import { addSecretValue } from '../errors/secret-values.ts';

export interface KeyPoolOptions {
  /** How long a listed key that got a 401 is left out, in milliseconds. @default 300000 */
  coolDownMs?: number;
  /** Names the pool in descriptions and errors (the provider, e.g. `openai`). */
  name?: string;
  clock?: Clock;
}

export const KEY_POOL_DEFAULTS = Object.freeze({ coolDownMs: 300_000 });

export type KeyPoolKind = 'none' | 'single' | 'list' | 'function';

type KeyFunction = () => string | Promise<string>;

const INSPECT = Symbol.for('nodejs.util.inspect.custom');

export class KeyPool {
  readonly kind: KeyPoolKind;
  readonly name: string | undefined;
  readonly coolDownMs: number;
  readonly #clock: Clock;
  readonly #keys: readonly string[];
  readonly #badUntil: number[];
  readonly #fn: KeyFunction | undefined;
  #cursor = 0;
  #lastIssued: string | undefined;
  #value: string | undefined;
  #loading: Promise<string> | undefined;
  #rotating: Promise<string | undefined> | undefined;

  constructor(source: ApiKeySource | undefined, options: KeyPoolOptions = {}) {
    const coolDownMs = options.coolDownMs ?? KEY_POOL_DEFAULTS.coolDownMs;
    if (!(coolDownMs >= 0 && Number.isFinite(coolDownMs))) {
      throw new TypeError(
        `Expected key pool \`coolDownMs\` to be a non-negative number of milliseconds, got ${coolDownMs}`,
      );
    }
    this.coolDownMs = coolDownMs;
    this.name = options.name;
    this.#clock = options.clock ?? systemClock;
    if (typeof source === 'function') {
      this.#fn = source;
      this.#keys = [];
    } else {
      const list = typeof source === 'string' ? [source] : (source ?? []);
      this.#keys = [...new Set(list.map((key) => key.trim()).filter(Boolean))];
      for (const key of this.#keys) addSecretValue(key);
    }
    this.#badUntil = this.#keys.map(() => 0);
    this.kind = this.#fn
      ? 'function'
      : this.#keys.length === 0
        ? 'none'
        : this.#keys.length === 1
          ? 'single'
          : 'list';
  }

  /** Keys in a list (or 1 for a single key); 0 for none or a function. */
  get size(): number {
    return this.#keys.length;
  }

  /** Listed keys currently left out after a 401. */
  get coolingDown(): number {
    const now = this.#clock.now();
    return this.#badUntil.filter((until) => until > now).length;
  }

  /** The key for the next request; `undefined` when none is configured. */
  async current(): Promise<string | undefined> {
    if (this.#fn) {
      if (this.#rotating) await this.#rotating.catch(() => undefined);
      if (this.#value !== undefined) return this.#value;
      return this.#load();
    }
    return this.currentListed();
  }

  /**
   * `current()` without the wait, for a pool of listed keys (not a key function), which never
   * needs one: the engine asks on every attempt, and an awaited promise there is pure cost.
   */
  currentListed(): string | undefined {
    if (this.#fn)
      throw new TypeError('a key function is asked with current(), not currentListed()');
    if (this.kind === 'single') return this.#keys[0];
    // Every key cooling down: hand out the one that recovers first rather than none at all.
    return this.#next(undefined) ?? this.#soonest();
  }

  /**
   * After a 401 with `failedKey` (by default the key last handed out): the next key to try, or
   * `undefined` when there is no other key.
   */
  async rotate(failedKey?: string): Promise<string | undefined> {
    if (this.#fn) {
      this.#rotating ??= this.#rotateFunction(failedKey).finally(() => {
        this.#rotating = undefined;
      });
      return this.#rotating;
    }
    if (this.kind !== 'list') return undefined;
    const failed = failedKey ?? this.#lastIssued;
    const index = failed === undefined ? -1 : this.#keys.indexOf(failed);
    if (index >= 0) this.#badUntil[index] = this.#clock.now() + this.coolDownMs;
    return this.#next(failed);
  }

  #next(exclude: string | undefined): string | undefined {
    const now = this.#clock.now();
    const n = this.#keys.length;
    for (let step = 0; step < n; step++) {
      const index = (this.#cursor + step) % n;
      const key = this.#keys[index];
      if (key === undefined || key === exclude || (this.#badUntil[index] ?? 0) > now) continue;
      this.#cursor = (index + 1) % n;
      this.#lastIssued = key;
      return key;
    }
    return undefined;
  }

  #soonest(): string | undefined {
    let best = -1;
    this.#badUntil.forEach((until, index) => {
      if (best < 0 || until < (this.#badUntil[best] ?? 0)) best = index;
    });
    this.#lastIssued = this.#keys[best];
    return this.#lastIssued;
  }

  #load(): Promise<string> {
    this.#loading ??= this.#call().then(
      (key) => {
        this.#value = key;
        this.#loading = undefined;
        return key;
      },
      (err: unknown) => {
        this.#loading = undefined;
        throw err;
      },
    );
    return this.#loading;
  }

  async #rotateFunction(failedKey: string | undefined): Promise<string | undefined> {
    if (this.#loading) await this.#loading.catch(() => undefined);
    const old = this.#value;
    // Someone already rotated past the key that failed: no need to ask again.
    if (failedKey !== undefined && old !== undefined && failedKey !== old) return old;
    const next = await this.#call();
    this.#value = next;
    return next === old ? undefined : next;
  }

  async #call(): Promise<string> {
    const whose = this.name ? ` of provider ${this.name}` : '';
    let key: unknown;
    try {
      key = await this.#fn!();
    } catch (err) {
      throw new BreakwaterError(
        'authentication',
        `the apiKey function${whose} failed (see cause)`,
        {
          cause: err,
          provider: this.name,
          origin: 'breakwater',
        },
      );
    }
    if (typeof key === 'string' && key.trim() !== '') {
      addSecretValue(key);
      return key.trim();
    }
    const got = typeof key === 'string' ? 'an empty string' : `a ${typeof key}`;
    throw new BreakwaterError(
      'authentication',
      `the apiKey function${whose} returned ${got}; expected a non-empty string`,
      { provider: this.name, origin: 'breakwater' },
    );
  }

  /** A description without any key. */
  toJSON(): Record<string, unknown> {
    return { name: this.name, kind: this.kind, size: this.size, coolingDown: this.coolingDown };
  }

  toString(): string {
    const what =
      this.kind === 'list'
        ? `${this.size} keys, ${this.coolingDown} cooling down`
        : this.kind === 'single'
          ? '1 key'
          : this.kind === 'function'
            ? 'key function'
            : 'no key';
    return `KeyPool(${this.name ? `${this.name}: ` : ''}${what})`;
  }

  [INSPECT](): string {
    return this.toString();
  }
}
