/**
 * A retry budget (Envoy's name; Finagle's RetryBudget): retries may be at most `ratio` of the
 * requests a target saw in the rolling window, plus a small floor so a quiet target can still
 * retry. When a whole provider is down this caps the extra load retries add, instead of every
 * request multiplying into `maxAttempts` calls.
 */
import type { Clock } from '../core/clock.ts';
import { systemClock } from '../core/clock.ts';
import { RollingWindow } from './rolling-window.ts';

export interface RetryBudgetOptions {
  /** Retries allowed as a share of requests in the window. @default 0.5 */
  ratio?: number;
  /** Retries always allowed per window, however few requests. @default 10 */
  minRetries?: number;
  /** The rolling window, in milliseconds. @default 10000 */
  windowMs?: number;
  clock?: Clock;
}

export const RETRY_BUDGET_DEFAULTS = Object.freeze({
  ratio: 0.5,
  minRetries: 10,
  windowMs: 10_000,
});

export class RetryBudget {
  readonly ratio: number;
  readonly minRetries: number;
  // Successes count requests, failures count retries: the window is reused as two counters.
  readonly #window: RollingWindow;

  constructor(options: RetryBudgetOptions = {}) {
    const ratio = options.ratio ?? RETRY_BUDGET_DEFAULTS.ratio;
    const minRetries = options.minRetries ?? RETRY_BUDGET_DEFAULTS.minRetries;
    const windowMs = options.windowMs ?? RETRY_BUDGET_DEFAULTS.windowMs;
    if (!(ratio >= 0))
      throw new TypeError(`Expected retry budget \`ratio\` to be ≥ 0, got ${ratio}`);
    if (!(minRetries >= 0))
      throw new TypeError(`Expected retry budget \`minRetries\` to be ≥ 0, got ${minRetries}`);
    if (!(windowMs > 0))
      throw new TypeError(`Expected retry budget \`windowMs\` to be > 0, got ${windowMs}`);
    this.ratio = ratio;
    this.minRetries = minRetries;
    this.#window = new RollingWindow(windowMs, 10, options.clock ?? systemClock);
  }

  /** A new request (its first attempt) went to the target. */
  recordRequest(): void {
    this.#window.addSuccess();
  }

  /** Takes one retry from the budget if there is one left. */
  tryRetry(): boolean {
    const { successes: requests, failures: retries } = this.#window.counts();
    if (retries >= Math.max(this.minRetries, requests * this.ratio)) return false;
    this.#window.addFailure();
    return true;
  }
}
