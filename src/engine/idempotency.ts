/**
 * Idempotency keys: a call that carries an `Idempotency-Key` is answered at most once upstream
 * within the key's lifetime. It sits in front of the engine's run:
 *
 *   - the key is new → the call claims it (set-if-absent in the store), runs, and keeps its
 *     answer — a whole answer at once, a stream's when it ended cleanly — for `ttlMs`;
 *   - the key holds an answer to the same request → that answer, replayed (as a stream when the
 *     request streams), marked `idempotent-replay`: no upstream call, no limiter lease, no spend;
 *   - the key is claimed by a call still running → wait for it (within this call's own deadline
 *     and signal), then take its answer — or, if it failed, claim the key and run;
 *   - the key was used with another request → `idempotency_conflict` (409).
 *
 * Failures are never stored, and neither are answers no provider gave (the cache's fallback, the
 * static message): the key is released so the client's retry can still get a real answer.
 *
 * Keys are namespaced by tenant (the gateway client key), and stored as a hash: a client's key
 * is its own, and the store never holds what the client sent. The request is compared by a hash
 * of its canonical JSON (key order does not matter) with the dialect and route; the store acts
 * on a record only for that fingerprint, so a claim that expired and was taken by another
 * request cannot be overwritten.
 *
 * Waiting: a call claimed in this process is awaited directly; one claimed by another process
 * sharing the store (Redis) is polled every `pollMs`. A claim lives as long as the claiming
 * call's deadline (a stream's, ten minutes longer: past its commit point only its idle timer
 * bounds it), so a process that died holding one frees the key on its own.
 */
import { createHash } from 'node:crypto';
import { canonicalHash } from '../core/canonical-hash.ts';
import type { Clock } from '../core/clock.ts';
import { waitWithin } from '../core/wait-within.ts';
import { RejectedError } from '../errors/index.ts';
import type { IdempotencyRecord, IdempotencyStore } from '../store/idempotency-store.ts';
import type { CachedAnswer } from '../store/store.ts';
import { fromCache } from './deliver.ts';
import type { EngineAnswer } from './engine-types.ts';
import type { Run } from './run.ts';

export interface IdempotencyOptions {
  store: IdempotencyStore;
  clock: Clock;
  /** How long an answer is kept under its key. @default 86400000 (24 h) */
  ttlMs?: number;
  /** How often a claim held by another process is checked. @default 100 */
  pollMs?: number;
}

const IDEMPOTENCY_DEFAULTS = Object.freeze({ ttlMs: 86_400_000, pollMs: 100 });

/** How much longer than its deadline a stream's claim lives: its generation may run on. */
const STREAM_CLAIM_EXTRA_MS = 600_000;

export class Idempotency {
  readonly #store: IdempotencyStore;
  readonly #clock: Clock;
  readonly #ttlMs: number;
  readonly #pollMs: number;
  /** Calls running in this process, by record key: settle when the record is final. */
  readonly #running = new Map<string, Promise<void>>();

  constructor(options: IdempotencyOptions) {
    this.#store = options.store;
    this.#clock = options.clock;
    this.#ttlMs = options.ttlMs ?? IDEMPOTENCY_DEFAULTS.ttlMs;
    this.#pollMs = options.pollMs ?? IDEMPOTENCY_DEFAULTS.pollMs;
  }

  /** The answer to `run` under `key`: replayed, awaited, or `execute`d and kept. */
  async answer(run: Run, key: string, execute: () => Promise<EngineAnswer>): Promise<EngineAnswer> {
    const recordKey = recordKeyFor(run.options.tenant, key);
    const fingerprint = canonicalHash({
      dialect: run.dialect,
      route: run.route.name,
      request: run.request,
    });
    for (;;) {
      const claimMs = run.deadline.remainingMs() + (run.stream ? STREAM_CLAIM_EXTRA_MS : 0);
      const begun = await this.#store.begin(recordKey, fingerprint, Math.max(1, claimMs));
      if (begun.created) return this.#run(run, recordKey, fingerprint, execute);
      const held = begun.record;
      if (held.fingerprint !== fingerprint) throw conflict(held, this.#clock.now());
      if (held.state === 'complete' && held.result !== undefined) {
        const stored = JSON.parse(held.result) as CachedAnswer;
        return fromCache(run, stored.response, 'idempotent-replay', 'none');
      }
      await waitWithin(this.#settled(recordKey), run.deadline, run.options.signal);
    }
  }

  /** Resolves once the record under `recordKey` may have changed. */
  #settled(recordKey: string): Promise<void> {
    const local = this.#running.get(recordKey);
    if (local) return local;
    // Claimed elsewhere: look again shortly.
    return this.#clock.sleep(this.#pollMs);
  }

  async #run(
    run: Run,
    recordKey: string,
    fingerprint: string,
    execute: () => Promise<EngineAnswer>,
  ): Promise<EngineAnswer> {
    const { promise, resolve } = Promise.withResolvers<void>();
    this.#running.set(recordKey, promise);
    const finish = (answer: unknown) => {
      const kept =
        answer === undefined
          ? this.#store.release(recordKey, fingerprint)
          : this.#store.complete(
              recordKey,
              fingerprint,
              JSON.stringify({ dialect: run.dialect, response: answer }),
              this.#ttlMs,
            );
      // A store that failed must not leave the waiters waiting: they look again.
      void Promise.resolve(kept)
        .catch(() => undefined)
        .finally(() => {
          if (this.#running.get(recordKey) === promise) this.#running.delete(recordKey);
          resolve();
        });
    };
    let whole: unknown;
    run.onAnswer = (answer) => {
      whole = answer;
    };
    let answer: EngineAnswer;
    try {
      answer = await execute();
    } catch (err) {
      finish(undefined);
      throw err;
    }
    if (answer.meta.target === undefined) {
      // Not a provider's answer (cache fallback, static message): the key stays free.
      finish(undefined);
    } else if (answer.kind === 'json') {
      finish(answer.body);
    } else {
      void answer.ended.then((end) => finish(end.error || end.abandoned ? undefined : whole));
    }
    return answer;
  }
}

/** `idem:v1:<tenant>:<sha256 of the key>`: never the key itself. */
function recordKeyFor(tenant: string | undefined, key: string): string {
  const digest = createHash('sha256').update(key).digest('hex');
  return `idem:v1:${encodeURIComponent(tenant ?? '')}:${digest}`;
}

function conflict(held: IdempotencyRecord, now: number): RejectedError {
  const ago = Math.max(0, Math.round((now - held.createdAt) / 1000));
  const first = held.state === 'complete' ? 'answered' : 'still running';
  return new RejectedError(
    'idempotency_conflict',
    `Idempotency-Key conflict: this key was first used ${ago} s ago with a different request (body, model or route), which is ${first}`,
    { param: 'Idempotency-Key' },
  );
}
