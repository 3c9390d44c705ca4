/**
 * The retry policy: run an attempt, and while it fails with a retryable verdict, wait and run it
 * again — never past the request's deadline. The wait is full-jitter backoff with the server's
 * Retry-After as a floor; a wait that would outlive the deadline (or exceed `maxRetryDelayMs`)
 * is not slept at all: the policy stops at once so the engine can move to the next tier.
 * Attempts return outcomes, not exceptions; the policy only reads the error's verdict.
 *
 * Eager failover: before a wait it would sleep, the policy asks `failover(delayMs)`; a yes stops
 * it with `failover` and the wait it left (`resumeInMs`), so the engine can try another tier at
 * once and come back — `execute` again with `firstAttempt` — once the wait is over. The retry
 * was already granted (budget, breaker, deadline): resuming only makes the attempt.
 */
import type { Clock } from '../core/clock.ts';
import { systemClock } from '../core/clock.ts';
import { EventEmitter } from '../core/events.ts';
import type { Outcome } from '../core/outcome.ts';
import { AbortedError, type BreakwaterError } from '../errors/index.ts';
import { type Backoff, FullJitterBackoff, retryDelayMs } from './backoff.ts';
import type { RetryBudget } from './retry-budget.ts';

export interface RetryOptions {
  /** Attempts in all, the first included (3–5 is the usual range). @default 4 */
  maxAttempts?: number;
  /** @default full jitter, base 1000 ms, cap 60000 ms */
  backoff?: Backoff;
  /** The longest server-requested wait to honour; a longer one stops retrying. @default 60000 */
  maxRetryDelayMs?: number;
  /** Shared per target; when spent, failures are not retried. */
  budget?: RetryBudget;
  /** @default Math.random */
  random?: () => number;
  clock?: Clock;
}

export const RETRY_DEFAULTS = Object.freeze({ maxAttempts: 4, maxRetryDelayMs: 60_000 });

export interface AttemptContext {
  /** 0 for the first attempt. */
  attempt: number;
  signal: AbortSignal | undefined;
}

export interface RetryContext {
  /** Milliseconds left before the request's deadline; absent means no deadline. */
  remainingMs?: () => number;
  signal?: AbortSignal;
  /** Asked before each wait: false stops at once (e.g. the target's breaker just opened). */
  canRetry?: () => boolean;
  /** Told of each wait before it is slept, for this call only (`onRetry` hears every call). */
  onRetry?: (event: RetryEvent) => void;
  /**
   * The request is already counted in the retry budget (a second go at a target in the same
   * call, e.g. in panic mode after its breaker turned it away): only its retries count.
   */
  counted?: boolean;
  /**
   * Asked before a wait that would be slept: true stops with `failover` instead, leaving the
   * wait to the caller (eager failover: another target is tried meanwhile).
   */
  failover?: (delayMs: number, error: BreakwaterError) => boolean;
  /**
   * Resumes a run that stopped with `failover`: the attempts already made. The first attempt
   * is then made at once (its wait is over) and the request is not counted again.
   */
  firstAttempt?: number;
}

type StopReason =
  | 'success'
  | 'not_retryable'
  | 'attempts_exhausted'
  | 'retry_budget'
  | 'deadline'
  | 'retry_after_too_long'
  | 'target_unavailable'
  | 'failover'
  | 'aborted';

export interface RetryResult<T> {
  outcome: Outcome<T>;
  attempts: number;
  stoppedBy: StopReason;
  /** The wait the policy declined to sleep, when it stopped for the deadline or a long Retry-After. */
  declinedWaitMs?: number;
  /** After `failover`: the wait before the next attempt may be made (`firstAttempt: attempts`). */
  resumeInMs?: number;
}

export interface RetryEvent {
  attempt: number;
  delayMs: number;
  error: BreakwaterError;
}

export class RetryPolicy {
  readonly maxAttempts: number;
  readonly maxRetryDelayMs: number;
  readonly #backoff: Backoff;
  readonly #budget: RetryBudget | undefined;
  readonly #random: () => number;
  readonly #clock: Clock;
  readonly #onRetry = new EventEmitter<RetryEvent>();
  readonly onRetry = this.#onRetry.event;

  constructor(options: RetryOptions = {}) {
    const maxAttempts = options.maxAttempts ?? RETRY_DEFAULTS.maxAttempts;
    if (!Number.isInteger(maxAttempts) || maxAttempts < 1 || maxAttempts > 10) {
      throw new TypeError(
        `Expected retry \`maxAttempts\` to be an integer from 1 to 10, got ${maxAttempts}`,
      );
    }
    const maxRetryDelayMs = options.maxRetryDelayMs ?? RETRY_DEFAULTS.maxRetryDelayMs;
    if (!(maxRetryDelayMs >= 0)) {
      throw new TypeError(`Expected retry \`maxRetryDelayMs\` to be ≥ 0, got ${maxRetryDelayMs}`);
    }
    this.maxAttempts = maxAttempts;
    this.maxRetryDelayMs = maxRetryDelayMs;
    this.#backoff = options.backoff ?? new FullJitterBackoff();
    this.#budget = options.budget;
    this.#random = options.random ?? Math.random;
    this.#clock = options.clock ?? systemClock;
  }

  async execute<T>(
    fn: (ctx: AttemptContext) => Promise<Outcome<T>>,
    ctx: RetryContext = {},
  ): Promise<RetryResult<T>> {
    const first = ctx.firstAttempt ?? 0;
    if (!ctx.counted && first === 0) this.#budget?.recordRequest();
    for (let attempt = first; ; attempt++) {
      const outcome = await fn({ attempt, signal: ctx.signal });
      const attempts = attempt + 1;
      if (outcome.ok) return { outcome, attempts, stoppedBy: 'success' };
      const error = outcome.error;
      if (error.code === 'aborted' || ctx.signal?.aborted)
        return { outcome, attempts, stoppedBy: 'aborted' };
      // breakwater's own rejections (limiter, budget, breaker) already decided; retrying cannot help.
      if (!error.retryable || error.origin === 'breakwater') {
        return { outcome, attempts, stoppedBy: 'not_retryable' };
      }
      if (attempts >= this.maxAttempts)
        return { outcome, attempts, stoppedBy: 'attempts_exhausted' };

      const delayMs = retryDelayMs(this.#backoff, attempt, error.retryAfterMs, this.#random);
      if (error.retryAfterMs !== undefined && error.retryAfterMs > this.maxRetryDelayMs) {
        return { outcome, attempts, stoppedBy: 'retry_after_too_long', declinedWaitMs: delayMs };
      }
      const remaining = ctx.remainingMs?.();
      if (remaining !== undefined && delayMs >= remaining) {
        return { outcome, attempts, stoppedBy: 'deadline', declinedWaitMs: delayMs };
      }
      if (ctx.canRetry && !ctx.canRetry()) {
        return { outcome, attempts, stoppedBy: 'target_unavailable' };
      }
      if (this.#budget && !this.#budget.tryRetry()) {
        return { outcome, attempts, stoppedBy: 'retry_budget' };
      }
      if (ctx.failover?.(delayMs, error)) {
        return { outcome, attempts, stoppedBy: 'failover', resumeInMs: delayMs };
      }

      if (this.#onRetry.hasListeners || ctx.onRetry) {
        const event = { attempt: attempts, delayMs, error };
        this.#onRetry.emit(event);
        ctx.onRetry?.(event);
      }
      try {
        await this.#clock.sleep(delayMs, ctx.signal);
      } catch (reason) {
        return {
          outcome: { ok: false, error: new AbortedError(reason) },
          attempts,
          stoppedBy: 'aborted',
        };
      }
    }
  }
}
