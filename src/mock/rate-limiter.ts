/**
 * The simulator's rate limits: per (dialect, model pool) token buckets holding one minute's
 * worth and refilling continuously, as both providers describe theirs. OpenAI checks `rpm` and
 * `tpm` (a request costs its prompt estimate plus its max tokens); Anthropic checks `rpm`,
 * `itpm` (the prompt estimate) and `otpm` (output actually generated, charged afterwards, so a
 * bucket in debt refuses the next request). A request is admitted only if every bucket can pay,
 * and a refused request takes nothing.
 */

import type { Clock } from '../core/clock.ts';
import { TokenBucket } from '../core/token-bucket.ts';
import type { Dialect, RateLimits } from './scenario.ts';

export type LimitName = 'requests' | 'tokens' | 'input_tokens' | 'output_tokens';

export interface Refusal {
  limit: LimitName;
  capacity: number;
  used: number;
  requested: number;
  /** ms until the request would fit; Infinity if it never will. */
  waitMs: number;
}

/** Buckets of one pool, by limit name. */
export type Pool = Partial<Record<LimitName, TokenBucket>>;

export class MockRateLimiter {
  readonly #clock: Clock;
  readonly #pools = new Map<string, Pool>();

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  /** The pool for a model, created full on first use; undefined when there are no limits. */
  pool(dialect: Dialect, key: string, limits: RateLimits | undefined): Pool | undefined {
    if (!limits) return undefined;
    const id = `${dialect}\u0000${key}`;
    let pool = this.#pools.get(id);
    if (!pool) {
      pool = {};
      const add = (name: LimitName, perMinute: number | undefined) => {
        if (perMinute) pool![name] = TokenBucket.perMinute(perMinute, this.#clock);
      };
      add('requests', limits.rpm);
      if (dialect === 'openai') add('tokens', limits.tpm);
      else {
        add('input_tokens', limits.itpm);
        add('output_tokens', limits.otpm);
      }
      this.#pools.set(id, pool);
    }
    return pool;
  }

  /** Takes a request's cost from every bucket of the pool, or nothing and says which refused. */
  admit(pool: Pool, cost: { input: number; maxTokens: number }): Refusal | undefined {
    const wants: Array<[LimitName, number]> = [
      ['requests', 1],
      ['tokens', cost.input + cost.maxTokens],
      ['input_tokens', cost.input],
      // Output is charged after generation; admission only needs the bucket out of debt.
      ['output_tokens', 1],
    ];
    for (const [name, n] of wants) {
      const bucket = pool[name];
      if (!bucket || bucket.available() + 1e-9 >= n) continue;
      return {
        limit: name,
        capacity: bucket.capacity,
        used: Math.max(0, Math.round(bucket.capacity - bucket.available())),
        requested: n,
        waitMs: bucket.timeUntil(n),
      };
    }
    for (const [name, n] of wants) {
      if (name !== 'output_tokens') pool[name]?.tryTake(n);
    }
    return undefined;
  }

  /**
   * Charges output tokens once known: Anthropic OTPM counts what was generated; OpenAI TPM
   * already reserved max tokens, and counts the output only when there was no max to reserve.
   */
  chargeOutput(pool: Pool | undefined, tokens: number, reserved: boolean): void {
    pool?.output_tokens?.consume(tokens);
    if (!reserved) pool?.tokens?.consume(tokens);
  }

  reset(): void {
    this.#pools.clear();
  }
}
