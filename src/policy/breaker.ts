/**
 * A circuit breaker per target — what Envoy calls outlier detection: failure-based ejection of
 * a target. We keep the common name.
 *
 * closed → open, on either rule (docs/engine.md has the reasoning and the figures):
 *   - enough evidence: the rolling `windowMs` holds at least `minimumCalls` calls with a health
 *     verdict, at least `failureThreshold` of them health failures (5xx, 529, timeouts,
 *     connection errors — never a client's 4xx), and those are at least `failureRate` of the
 *     calls. The volume is what keeps a cold window from opening on its first unlucky streak
 *     (Hystrix's request-volume threshold, resilience4j's minimumNumberOfCalls, Envoy's
 *     failure_percentage_request_volume).
 *   - no answer at all: the last `consecutiveFailures` calls failed without any answer
 *     (connection error or timeout) and nothing succeeded for a tenth of the window. A target
 *     that cannot be reached opens at once, however little traffic it has; a busy target that
 *     merely loses some connections never does, since it keeps succeeding in between.
 * open → half-open: after the open period, exactly one probe call is let through; every other
 *   caller skips the target.
 * half-open → closed on the probe's success; → open again on its failure, for twice as long
 *   (capped at `maxOpenMs`). A probe that ends without a verdict (cancelled, a client error)
 *   hands the probe slot back.
 *
 * No stale verdicts: every state change starts a new generation, and a call's verdict counts only
 * in the generation it was admitted in. A call let through while closed that ends after the
 * breaker opened is not the probe and moves nothing; only the probe's own outcome moves a
 * half-open breaker.
 *
 * The state that matters across processes — state, open period, generation — is plain data
 * (`toJSON()` and the constructor's `initial`); the window is local evidence and starts empty.
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
  /** Calls (successes and health failures) the window must hold before it can open. @default 50 */
  minimumCalls?: number;
  /**
   * Calls in a row that failed with no answer (connection error, timeout) that open the breaker
   * at once, when nothing succeeded for a tenth of the window. @default 5
   */
  consecutiveFailures?: number;
  /** The rolling window, in milliseconds. @default 60000 */
  windowMs?: number;
  /** The first open period, in milliseconds. @default 30000 */
  openMs?: number;
  /** The longest open period after repeated failed probes, in milliseconds. @default 300000 */
  maxOpenMs?: number;
  clock?: Clock;
}

export type ResolvedBreakerOptions = Readonly<Required<Omit<BreakerOptions, 'clock'>>>;

export const BREAKER_DEFAULTS: ResolvedBreakerOptions = Object.freeze({
  failureThreshold: 5,
  failureRate: 0.5,
  minimumCalls: 50,
  consecutiveFailures: 5,
  windowMs: 60_000,
  openMs: 30_000,
  maxOpenMs: 300_000,
});

/** A call the breaker let through; its verdict is reported with it. */
export interface BreakerTicket {
  readonly allowed: true;
  /** The one call of a half-open breaker whose outcome decides it. */
  readonly probe: boolean;
  /** The generation the call was admitted in; a verdict from an earlier one is stale. */
  readonly generation: number;
}

export type Admission = BreakerTicket | { allowed: false; retryAfterMs: number };

/** How a health failure failed: `unanswered` when no answer came at all (connection, timeout). */
export type FailureKind = 'answered' | 'unanswered';

const UNANSWERED: ReadonlySet<string> = new Set(['connection', 'timeout', 'upstream_config']);

/**
 * The kind of a classified failure: a connection error (a host that does not resolve included),
 * or a timer that fired before any answer (no upstream status), is `unanswered`; a 5xx, a 529 or
 * a 408 is an answer.
 */
export function failureKind(error: { code: string; providerStatus?: number }): FailureKind {
  return error.providerStatus === undefined && UNANSWERED.has(error.code)
    ? 'unanswered'
    : 'answered';
}

export interface BreakerSnapshot {
  state: BreakerState;
  /** When the open period ends (epoch ms), while open. */
  openUntil?: number;
  /** The length of the current or next open period. */
  openMs: number;
  /** Counts state changes; verdicts of calls admitted in an earlier generation are ignored. */
  generation?: number;
}

export interface BreakerTransition {
  from: BreakerState;
  to: BreakerState;
  /** The open period, when the transition opens the breaker. */
  openMs?: number;
}

export class CircuitBreaker {
  readonly options: ResolvedBreakerOptions;
  readonly #clock: Clock;
  readonly #window: RollingWindow;
  /** How long nothing may have succeeded before unanswered calls alone open the breaker. */
  readonly #quietMs: number;
  readonly #transitions = new EventEmitter<BreakerTransition>();
  /** Fires on every state change: onBreak, onHalfOpen and onReset in one stream. */
  readonly onStateChange = this.#transitions.event;

  #state: BreakerState = 'closed';
  #generation = 0;
  /** The ticket of every call admitted while closed in this generation: one object, not one per call. */
  #closedTicket: BreakerTicket = { allowed: true, probe: false, generation: 0 };
  #openUntil = 0;
  #openMs: number;
  #probeInFlight = false;
  /** Unanswered failures in a row, in this closed generation. */
  #unansweredRun = 0;
  #lastSuccessAt = Number.NEGATIVE_INFINITY;

  constructor(options: BreakerOptions = {}, initial?: BreakerSnapshot) {
    const merged = { ...BREAKER_DEFAULTS, ...withoutUndefined(options) };
    validate(merged);
    const { clock, ...rest } = merged as typeof merged & { clock?: Clock };
    this.options = Object.freeze(rest);
    this.#clock = clock ?? systemClock;
    this.#window = new RollingWindow(this.options.windowMs, 10, this.#clock);
    this.#quietMs = this.options.windowMs / 10;
    this.#openMs = this.options.openMs;
    if (initial) {
      this.#state = initial.state === 'half_open' ? 'open' : initial.state;
      this.#openUntil = initial.openUntil ?? 0;
      this.#openMs = initial.openMs;
      this.#generation = initial.generation ?? 0;
      this.#closedTicket = { allowed: true, probe: false, generation: this.#generation };
    }
  }

  get state(): BreakerState {
    if (this.#state === 'open' && this.#clock.now() >= this.#openUntil) return 'half_open';
    return this.#state;
  }

  /** The current generation (it changes on every state change). */
  get generation(): number {
    return this.#generation;
  }

  /**
   * When the current open period ends (epoch ms): in the past once half-open, 0 when closed. The
   * route's panic mode goes to the ejected target whose period ends soonest.
   */
  get openUntil(): number {
    return this.#state === 'closed' ? 0 : this.#openUntil;
  }

  /**
   * How long until this target takes a call again: 0 when closed or a probe slot is free; the
   * rest of the open period; the full open period while the probe is out (a failed probe starts
   * one).
   */
  get retryAfterMs(): number {
    const state = this.state;
    if (state === 'closed') return 0;
    if (state === 'open') return Math.max(0, this.#openUntil - this.#clock.now());
    return this.#probeInFlight ? this.options.openMs : 0;
  }

  /** Asks to call the target. A half-open breaker admits exactly one probe at a time. */
  admit(): Admission {
    const state = this.state;
    if (state === 'closed') return this.#closedTicket;
    if (state === 'half_open' && !this.#probeInFlight) {
      if (this.#state !== 'half_open') this.#move('half_open');
      this.#probeInFlight = true;
      return { allowed: true, probe: true, generation: this.#generation };
    }
    return { allowed: false, retryAfterMs: this.retryAfterMs };
  }

  /** The call succeeded. */
  success(ticket: BreakerTicket): void {
    if (ticket.generation !== this.#generation) return;
    if (ticket.probe) {
      this.#probeInFlight = false;
      this.#openMs = this.options.openMs;
      this.#move('closed');
      return;
    }
    this.#lastSuccessAt = this.#clock.now();
    this.#unansweredRun = 0;
    this.#window.addSuccess();
  }

  /** The call failed in a way that says the target is unhealthy. */
  failure(ticket: BreakerTicket, kind: FailureKind = 'answered'): void {
    if (ticket.generation !== this.#generation) return;
    if (ticket.probe) {
      this.#probeInFlight = false;
      this.#openMs = Math.min(this.options.maxOpenMs, this.#openMs * 2);
      this.#open();
      return;
    }
    this.#window.addFailure();
    this.#unansweredRun = kind === 'unanswered' ? this.#unansweredRun + 1 : 0;
    if (this.#enoughEvidence() || this.#unreachable()) this.#open();
  }

  /** The call ended with no verdict on health (cancelled, a client error): free the probe slot. */
  release(ticket: BreakerTicket): void {
    if (ticket.probe && ticket.generation === this.#generation) this.#probeInFlight = false;
  }

  /**
   * Takes a state another process saw (a fleet's breaker hint): open until `openUntil` for an
   * open period of `openMs` — unless already open at least that long — or closed (another
   * process's probe succeeded). A new generation starts, so verdicts of calls admitted before
   * move nothing, and a probe this breaker had let out is no longer one.
   */
  adopt(seen: { state: 'open'; openUntil: number; openMs: number } | { state: 'closed' }): void {
    if (seen.state === 'closed') {
      if (this.#state === 'closed') return;
      this.#probeInFlight = false;
      this.#openMs = this.options.openMs;
      this.#move('closed');
      return;
    }
    if (seen.openUntil <= this.#clock.now()) return;
    if (this.#state === 'open' && this.#openUntil >= seen.openUntil) return;
    this.#probeInFlight = false;
    this.#openUntil = seen.openUntil;
    this.#openMs = Math.min(this.options.maxOpenMs, Math.max(1, seen.openMs));
    this.#move('open', this.#openMs);
  }

  toJSON(): BreakerSnapshot {
    const state = this.state;
    return state === 'open'
      ? { state, openUntil: this.#openUntil, openMs: this.#openMs, generation: this.#generation }
      : { state, openMs: this.#openMs, generation: this.#generation };
  }

  #enoughEvidence(): boolean {
    const { successes, failures } = this.#window.counts();
    const calls = successes + failures;
    const o = this.options;
    return (
      calls >= o.minimumCalls && failures >= o.failureThreshold && failures >= o.failureRate * calls
    );
  }

  #unreachable(): boolean {
    return (
      this.#unansweredRun >= this.options.consecutiveFailures &&
      this.#clock.now() - this.#lastSuccessAt >= this.#quietMs
    );
  }

  #open(): void {
    this.#openUntil = this.#clock.now() + this.#openMs;
    this.#move('open', this.#openMs);
  }

  #move(to: BreakerState, openMs?: number): void {
    const from = this.#state;
    this.#state = to;
    this.#generation++;
    if (to === 'closed') {
      // A fresh closed generation: a cold window, and the probe's success as the last one.
      this.#closedTicket = { allowed: true, probe: false, generation: this.#generation };
      this.#window.reset();
      this.#unansweredRun = 0;
      this.#lastSuccessAt = this.#clock.now();
    }
    this.#transitions.emit(openMs === undefined ? { from, to } : { from, to, openMs });
  }
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function validate(o: ResolvedBreakerOptions): void {
  for (const key of ['failureThreshold', 'minimumCalls', 'consecutiveFailures'] as const) {
    if (!Number.isInteger(o[key]) || o[key] < 1) {
      throw new TypeError(`Expected breaker \`${key}\` to be a positive integer, got ${o[key]}`);
    }
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
