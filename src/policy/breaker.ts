/**
 * A circuit breaker per target — what Envoy calls outlier detection: failure-based ejection of
 * a target. We keep the common name.
 *
 * closed → open: at least `failureThreshold` health failures (5xx, 529, timeouts, connection
 *   errors — never a client's 4xx) in the rolling `windowMs`, AND at least `failureRate` of the
 *   window's calls failed. The seeds' rule is "5 failures in 60 s"; the rate keeps a busy, mostly
 *   healthy target from being ejected for a handful of errors (Envoy's failure_percentage).
 * open → half-open: after the open period, exactly one probe call is let through; every other
 *   caller skips the target.
 * half-open → closed on the probe's success; → open again on its failure, for twice as long
 *   (capped at `maxOpenMs`). A probe that ends without a verdict (cancelled, a client error)
 *   hands the probe slot back.
 */
import type { Clock } from '../core/clock.ts';
import { systemClock } from '../core/clock.ts';
import { EventEmitter } from '../core/events.ts';
import { RollingWindow } from './rolling-window.ts';

export type BreakerState = 'closed' | 'open' | 'half_open';

export interface BreakerOptions {
  /** Health failures in the window that can open the breaker. @default 5 */
  failureThreshold?: number;
  /** Share of the window's calls that must have failed, 0–1. @default 0.5 */
  failureRate?: number;
  /** The rolling window, in milliseconds. @default 60000 */
  windowMs?: number;
  /** The first open period, in milliseconds. @default 30000 */
  openMs?: number;
  /** The longest open period after repeated failed probes, in milliseconds. @default 300000 */
  maxOpenMs?: number;
  clock?: Clock;
}

export const BREAKER_DEFAULTS: Readonly<Required<Omit<BreakerOptions, 'clock'>>> = Object.freeze({
  failureThreshold: 5,
  failureRate: 0.5,
  windowMs: 60_000,
  openMs: 30_000,
  maxOpenMs: 300_000,
});

export type Admission =
  | { allowed: true; probe: boolean }
  | { allowed: false; retryAfterMs: number };

export interface BreakerSnapshot {
  state: BreakerState;
  /** When the open period ends (epoch ms), while open. */
  openUntil?: number;
  /** The length of the current or next open period. */
  openMs: number;
}

export interface BreakerTransition {
  from: BreakerState;
  to: BreakerState;
  /** The open period, when the transition opens the breaker. */
  openMs?: number;
}

export class CircuitBreaker {
  readonly options: Readonly<Required<Omit<BreakerOptions, 'clock'>>>;
  readonly #clock: Clock;
  readonly #window: RollingWindow;
  readonly #transitions = new EventEmitter<BreakerTransition>();
  /** Fires on every state change: onBreak, onHalfOpen and onReset in one stream. */
  readonly onStateChange = this.#transitions.event;

  #state: BreakerState = 'closed';
  #openUntil = 0;
  #openMs: number;
  #probeInFlight = false;

  constructor(options: BreakerOptions = {}, initial?: BreakerSnapshot) {
    const merged = { ...BREAKER_DEFAULTS, ...withoutUndefined(options) };
    validate(merged);
    const { clock, ...rest } = merged as typeof merged & { clock?: Clock };
    this.options = Object.freeze(rest);
    this.#clock = clock ?? systemClock;
    this.#window = new RollingWindow(this.options.windowMs, 10, this.#clock);
    this.#openMs = this.options.openMs;
    if (initial) {
      this.#state = initial.state === 'half_open' ? 'open' : initial.state;
      this.#openUntil = initial.openUntil ?? 0;
      this.#openMs = initial.openMs;
    }
  }

  get state(): BreakerState {
    if (this.#state === 'open' && this.#clock.now() >= this.#openUntil) return 'half_open';
    return this.#state;
  }

  /** Asks to call the target. A half-open breaker admits exactly one probe at a time. */
  admit(): Admission {
    const state = this.state;
    if (state === 'closed') return { allowed: true, probe: false };
    if (state === 'half_open' && !this.#probeInFlight) {
      if (this.#state !== 'half_open') this.#move('half_open');
      this.#probeInFlight = true;
      return { allowed: true, probe: true };
    }
    const retryAfterMs =
      state === 'open' ? this.#openUntil - this.#clock.now() : this.options.openMs;
    return { allowed: false, retryAfterMs: Math.max(0, retryAfterMs) };
  }

  /** The call succeeded. */
  success(probe = false): void {
    if (probe || this.#state === 'half_open') {
      this.#probeInFlight = false;
      this.#window.reset();
      this.#openMs = this.options.openMs;
      this.#move('closed');
      return;
    }
    this.#window.addSuccess();
  }

  /** The call failed in a way that says the target is unhealthy. */
  failure(probe = false): void {
    if (probe || this.#state === 'half_open') {
      this.#probeInFlight = false;
      this.#openMs = Math.min(this.options.maxOpenMs, this.#openMs * 2);
      this.#open();
      return;
    }
    if (this.#state !== 'closed') return;
    this.#window.addFailure();
    const { successes, failures } = this.#window.counts();
    const rate = failures / (successes + failures);
    if (failures >= this.options.failureThreshold && rate >= this.options.failureRate) this.#open();
  }

  /** The call ended with no verdict on health (cancelled, a client error): free the probe slot. */
  release(probe = false): void {
    if (probe) this.#probeInFlight = false;
  }

  toJSON(): BreakerSnapshot {
    const state = this.state;
    return state === 'open'
      ? { state, openUntil: this.#openUntil, openMs: this.#openMs }
      : { state, openMs: this.#openMs };
  }

  #open(): void {
    this.#openUntil = this.#clock.now() + this.#openMs;
    this.#move('open', this.#openMs);
  }

  #move(to: BreakerState, openMs?: number): void {
    const from = this.#state;
    this.#state = to;
    if (from !== to || to === 'open') {
      this.#transitions.emit(openMs === undefined ? { from, to } : { from, to, openMs });
    }
  }
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function validate(o: Required<Omit<BreakerOptions, 'clock'>>): void {
  if (!Number.isInteger(o.failureThreshold) || o.failureThreshold < 1) {
    throw new TypeError(
      `Expected breaker \`failureThreshold\` to be a positive integer, got ${o.failureThreshold}`,
    );
  }
  if (!(o.failureRate >= 0 && o.failureRate <= 1)) {
    throw new TypeError(
      `Expected breaker \`failureRate\` to be between 0 and 1, got ${o.failureRate}`,
    );
  }
  for (const key of ['windowMs', 'openMs', 'maxOpenMs'] as const) {
    if (!(o[key] > 0))
      throw new TypeError(
        `Expected breaker \`${key}\` to be a positive number of milliseconds, got ${o[key]}`,
      );
  }
}
