/**
 * The request's overall time budget, set once before the first attempt and shared by every
 * attempt, backoff sleep and queue wait after it. Envoy calls the per-attempt part a per-try
 * timeout; this is the whole request's.
 *
 * A deadline is a point in time on an injected clock. Reading it (`remainingMs()`, `expired`)
 * costs nothing. Waiting for it — `onExpire(listener)`, or its `signal`, created on first use —
 * runs ONE timer for the deadline's whole life (STYLE.md §11), made with `clock.timer` so a
 * `ManualClock` drives it in tests. When the time is up the listeners run and the signal aborts
 * with the deadline's `TimeoutError` (code `deadline_exceeded`). `dispose()` clears the timer;
 * whoever created the deadline disposes it when the request ends.
 *
 * `onExpire` is there for the hot path: every upstream attempt follows its deadline, and a
 * listener in a list is much cheaper than an AbortController and an EventTarget listener each.
 */

import { type ErrorContext, TimeoutError } from '../errors/index.ts';
import { type Clock, systemClock } from './clock.ts';

function checkMs(name: string, value: number): void {
  if (!Number.isFinite(value)) {
    throw new TypeError(`Expected \`${name}\` to be a finite number of milliseconds, got ${value}`);
  }
}

export class Deadline implements Disposable {
  /** When the budget runs out, in epoch milliseconds on the deadline's clock. */
  readonly atMs: number;
  /** The whole budget, in milliseconds, as it was when the deadline was set. */
  readonly totalMs: number;
  readonly #clock: Clock;
  readonly #ctx: ErrorContext | undefined;
  #controller: AbortController | undefined;
  #listeners: (() => void)[] = [];
  /** Cancels the running timer. */
  #cancelTimer: (() => void) | undefined;
  #error: TimeoutError | undefined;
  #disposed = false;

  private constructor(atMs: number, totalMs: number, clock: Clock, ctx?: ErrorContext) {
    this.atMs = atMs;
    this.totalMs = totalMs;
    this.#clock = clock;
    this.#ctx = ctx;
  }

  /** A deadline `ms` milliseconds from now. */
  static after(ms: number, clock: Clock = systemClock, ctx?: ErrorContext): Deadline {
    checkMs('ms', ms);
    if (ms < 0) throw new RangeError(`Expected \`ms\` to be non-negative, got ${ms}`);
    return new Deadline(clock.now() + ms, ms, clock, ctx);
  }

  /** A deadline at `epochMs` (e.g. from a caller's header); one in the past is already expired. */
  static at(epochMs: number, clock: Clock = systemClock, ctx?: ErrorContext): Deadline {
    checkMs('epochMs', epochMs);
    return new Deadline(epochMs, Math.max(0, epochMs - clock.now()), clock, ctx);
  }

  /** Milliseconds left, never negative. */
  remainingMs(): number {
    return Math.max(0, this.atMs - this.#clock.now());
  }

  get expired(): boolean {
    return this.#clock.now() >= this.atMs;
  }

  /** The error this deadline fails with; one instance, so identity can be checked. */
  get error(): TimeoutError {
    this.#error ??= new TimeoutError('deadline', this.totalMs, this.#ctx);
    return this.#error;
  }

  /** Throws `error` when the deadline has passed. */
  throwIfExpired(): void {
    if (this.expired) throw this.error;
  }

  /**
   * Aborts with `error` when the deadline passes. Created on first read; aborted at once if the
   * deadline has already passed. After `dispose()` it never aborts on its own.
   */
  get signal(): AbortSignal {
    if (this.#controller) return this.#controller.signal;
    const controller = new AbortController();
    this.#controller = controller;
    if (this.expired) controller.abort(this.error);
    else this.#start();
    return controller.signal;
  }

  /**
   * Calls `listener` once, when the deadline passes; never after `dispose()`, and not for a
   * deadline that has already passed (check `expired` first). Returns the function that stops
   * listening.
   */
  onExpire(listener: () => void): () => void {
    this.#listeners.push(listener);
    if (!this.expired) this.#start();
    return () => {
      const at = this.#listeners.indexOf(listener);
      if (at !== -1) this.#listeners.splice(at, 1);
    };
  }

  /** Clears the timer. Idempotent; `remainingMs()` and `expired` keep working. */
  dispose(): void {
    this.#disposed = true;
    this.#cancelTimer?.();
    this.#cancelTimer = undefined;
  }

  [Symbol.dispose](): void {
    this.dispose();
  }

  /** Arms the one timer, unless it runs already or the deadline was disposed. */
  #start(): void {
    if (this.#cancelTimer === undefined && !this.#disposed) this.#arm();
  }

  #arm(): void {
    this.#cancelTimer = this.#clock.timer(this.remainingMs(), () => {
      this.#cancelTimer = undefined;
      // A timer may wake a hair before the clock agrees the time has come; wait the rest.
      if (!this.expired) return this.#arm();
      const listeners = this.#listeners;
      this.#listeners = [];
      for (const listener of listeners) listener();
      this.#controller?.abort(this.error);
    });
  }
}
