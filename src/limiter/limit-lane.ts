/**
 * One limit scope's admission: its buckets, adaptive factor, concurrency slots and bounded
 * priority queue. A request goes at once when nobody of its class or higher is waiting and the
 * buckets can pay; otherwise it waits its turn — unless the expected wait (the refill needed for
 * everyone ahead plus itself) outlives its deadline, when it fails fast with `rate_limited` and
 * the wait as Retry-After, or the queue is full (`queue_full`).
 *
 * One timer per lane wakes the queue when the head can next be admitted; it is re-armed after
 * every change and cleared when the queue empties. Waits end on the caller's abort signal and
 * the deadline, always removing the waiter and its listeners.
 *
 * Every admitted request holds a `Ticket` until it is settled; a ticket still held when its
 * deadline plus the grace period has passed is expired through its owner (self-healing, so a
 * lost settlement can never hold a concurrency slot or a budget reservation for good).
 *
 * With a fleet store the buckets are shared (shared-buckets.ts): a take is a round trip, so the
 * queue's head asks the store one request at a time, and a settlement pumps the queue once the
 * store has answered. The queue, its priorities and deadlines stay this process's own.
 */
import type { Clock } from '../core/clock.ts';
import type { Deadline } from '../core/deadline.ts';
import type { DialectName } from '../dialects/dialect-name.ts';
import type { RateLimitState } from '../dialects/rate-limit.ts';
import { AbortedError, type RejectedError } from '../errors/index.ts';
import { RollingWindow } from '../policy/rolling-window.ts';
import type { FleetState } from '../store/fleet-state.ts';
import { type AdaptiveOptions, AdaptiveRate, type AdaptiveState } from './adaptive-rate.ts';
import type { Priority } from './admission.ts';
import { adoptHeaders } from './header-adoption.ts';
import { gaveUp, queueFull, tooLarge, waitTooLong } from './lane-rejections.ts';
import { type BucketsState, LimitBuckets, type Limits } from './limit-buckets.ts';
import type { LimiterEvent } from './limiter-events.ts';
import { addCost, type Cost, DIMENSIONS, type Dimension, ZERO_COST } from './request-cost.ts';
import { SharedBuckets } from './shared-buckets.ts';
import { type Ticket, TicketBook } from './ticket-book.ts';
import { WaitQueue } from './wait-queue.ts';

export type { Ticket } from './ticket-book.ts';

export interface LaneOptions {
  /** The scope's key, e.g. `openai/gpt-4o#3f2a…` (target and upstream key fingerprint). */
  scope: string;
  provider: string;
  model: string;
  dialect: DialectName;
  limits: Limits;
  maxConcurrent: number | undefined;
  maxDepth: number;
  maxWaitMs: number;
  /** Time kept for the call itself after a wait: a wait may not end later than this before the deadline. */
  callHeadroomMs: number;
  leaseGraceMs: number;
  learn: boolean;
  adaptive: AdaptiveOptions;
  clock: Clock;
  emit: (event: LimiterEvent) => void;
  /** Whether anyone listens to `emit`: events on every call are built only then. */
  observed?: () => boolean;
  initial?: LaneState;
  /** Share the buckets with a fleet through this store's state. @default this process alone */
  fleet?: FleetState;
}

export interface LaneState {
  buckets: BucketsState;
  adaptive: AdaptiveState;
}

export interface TicketSettlement {
  /** Charge (positive) or refund (negative) per dimension: actual minus reserved. */
  delta?: Partial<Cost>;
  headers?: RateLimitState;
  /** The provider said slow down: a 429 (`rate_limited`) or OpenAI's 503 Slow Down. */
  throttled?: 'rate_limited' | 'slow_down';
  retryAfterMs?: number;
  /** A clean answer, which lets the adaptive factor grow back. */
  success?: boolean;
}

interface Waiter {
  readonly priority: Priority;
  readonly cost: Cost;
  readonly enqueuedAt: number;
  /** When the waiter gives up (its longest wait, or the deadline less the call's headroom). */
  readonly giveUpAt: number;
  readonly admit: () => void;
  readonly fail: (error: unknown) => void;
}

/** The window and share of 429s among recent answers that make them a run (see #throttled). */
const ANSWER_WINDOW_MS = 10_000;
const RUN_SHARE = 0.2;

const NONE_LOWERED: readonly Dimension[] = Object.freeze([]);

/** The longest server-requested pause honoured; past it, the deadline check decides. */
const MAX_BLOCK_MS = 60_000;

export class LimitLane {
  readonly buckets: LimitBuckets;
  /** `provider/model`, made once: every notice names it. */
  readonly target: string;
  readonly #o: LaneOptions;
  readonly #atOnce = new Map<Priority, LimiterEvent>();
  readonly #adaptive: AdaptiveRate;
  /** Recent answers: clean ones as successes, 429s as failures (see #throttled). */
  readonly #answers: RollingWindow;
  readonly #queue: WaitQueue<Waiter>;
  readonly #held = new TicketBook();
  readonly #configured: ReadonlySet<Dimension>;
  #timer: AbortController | undefined;
  #sweeping = false;
  readonly #shared: SharedBuckets | undefined;
  /** Takes sent to the shared store and not yet answered (they may each fill a slot). */
  #taking = 0;
  /** The queue's head is being asked for at the shared store. */
  #asking = false;
  readonly counts = {
    admitted: 0,
    queued: 0,
    rateLimited: 0,
    queueFull: 0,
    upstream429: 0,
    slowDowns: 0,
    leasesExpired: 0,
    maxQueueWaitMs: 0,
  };

  constructor(options: LaneOptions) {
    this.#o = options;
    this.target = `${options.provider}/${options.model}`;
    this.buckets = new LimitBuckets(options.limits, options.clock, options.initial?.buckets);
    this.#adaptive = new AdaptiveRate(options.adaptive, options.initial?.adaptive);
    this.#answers = new RollingWindow(ANSWER_WINDOW_MS, 10, options.clock);
    this.buckets.setFactor(this.#adaptive.factor);
    this.#queue = new WaitQueue(options.maxDepth);
    this.#configured = new Set(DIMENSIONS.filter((d) => options.limits[d] !== undefined));
    if (options.fleet) {
      this.#shared = new SharedBuckets(options.scope, options.fleet, options.clock, this.buckets);
    }
  }

  /** `shared` (the fleet's buckets), `local` (this gateway's share while the store is down) or `process`. */
  get store(): 'shared' | 'local' | 'process' {
    if (!this.#shared) return 'process';
    return this.#shared.local ? 'local' : 'shared';
  }

  get inFlight(): number {
    return this.#held.size;
  }

  get waiting(): number {
    return this.#queue.size;
  }

  /** Resolves with a ticket once `cost` is admitted; rejects with breakwater's own errors. */
  admit(
    cost: Cost,
    priority: Priority,
    deadline: Deadline,
    signal: AbortSignal | undefined,
    expire: () => void,
  ): Promise<Ticket> {
    const { clock } = this.#o;
    this.sweep();
    if (signal?.aborted) return Promise.reject(new AbortedError(signal.reason, this.#ctx()));
    if (!this.buckets.fits(cost)) return Promise.reject(this.#tooLarge(cost));
    const ticket = (): Ticket =>
      this.#held.hold(cost, clock.now(), deadline.atMs, this.#o.leaseGraceMs, expire);
    if (this.#shared) {
      if (!this.#queue.anyAhead(priority) && this.#slotFree()) {
        return this.#admitShared(this.#shared, cost, priority, deadline, signal, ticket);
      }
    } else if (!this.#queue.anyAhead(priority) && this.#slotFree() && this.buckets.take(cost)) {
      this.counts.admitted++;
      this.#emitAdmitted(priority, 0);
      return Promise.resolve(ticket());
    }
    return this.#enqueue(cost, priority, deadline, signal, ticket);
  }

  /** The shared fast path: one take at the store; refused, the request joins the queue. */
  async #admitShared(
    shared: SharedBuckets,
    cost: Cost,
    priority: Priority,
    deadline: Deadline,
    signal: AbortSignal | undefined,
    ticket: () => Ticket,
  ): Promise<Ticket> {
    this.#taking++;
    let taken: boolean;
    try {
      taken = (await shared.take(cost)).ok;
    } finally {
      this.#taking--;
    }
    if (taken) {
      if (signal?.aborted || deadline.expired) {
        this.#giveBack(shared, cost);
        throw signal?.aborted ? new AbortedError(signal.reason, this.#ctx()) : deadline.error;
      }
      this.counts.admitted++;
      this.#emitAdmitted(priority, 0);
      return ticket();
    }
    return this.#enqueue(cost, priority, deadline, signal, ticket);
  }

  /** Returns a take nobody will use (its caller left while the store answered). */
  #giveBack(shared: SharedBuckets, cost: Cost): void {
    const delta: Cost = {
      requests: -cost.requests,
      tokens: -cost.tokens,
      input: -cost.input,
      output: -cost.output,
    };
    void shared.charge({ delta, lowered: [], blockUntil: 0 }).finally(() => this.#pump());
  }

  #enqueue(
    cost: Cost,
    priority: Priority,
    deadline: Deadline,
    signal: AbortSignal | undefined,
    ticket: () => Ticket,
  ): Promise<Ticket> {
    const { clock } = this.#o;
    let line = cost;
    let ahead = 0;
    for (const w of this.#queue.ahead(priority)) {
      line = addCost(line, w.cost);
      ahead++;
    }
    const waitMs = this.#lineWaitMs(line);
    const allowedMs = Math.min(deadline.remainingMs() - this.#o.callHeadroomMs, this.#o.maxWaitMs);
    if (waitMs > allowedMs) return Promise.reject(this.#tooLong(waitMs, allowedMs, ahead));
    if (this.#queue.full) return Promise.reject(this.#full());
    if (deadline.expired) return Promise.reject(deadline.error);

    return new Promise<Ticket>((resolve, reject) => {
      const enqueuedAt = clock.now();
      const deadlineSignal = deadline.signal;
      const cleanup = () => {
        signal?.removeEventListener('abort', onAbort);
        deadlineSignal.removeEventListener('abort', onDeadline);
      };
      const cancel = (error: unknown) => {
        if (!this.#queue.remove(waiter)) return;
        cleanup();
        reject(error);
        this.#pump();
      };
      const onAbort = () => cancel(new AbortedError(signal?.reason, this.#ctx()));
      const onDeadline = () => cancel(deadline.error);
      const waiter: Waiter = {
        priority,
        cost,
        enqueuedAt,
        giveUpAt: Math.min(enqueuedAt + this.#o.maxWaitMs, deadline.atMs - this.#o.callHeadroomMs),
        admit: () => {
          cleanup();
          const waited = clock.now() - enqueuedAt;
          this.counts.admitted++;
          this.counts.maxQueueWaitMs = Math.max(this.counts.maxQueueWaitMs, waited);
          this.#emitAdmitted(priority, waited);
          resolve(ticket());
        },
        fail: (error) => {
          cleanup();
          reject(error);
        },
      };
      this.#queue.push(waiter);
      this.counts.queued++;
      if (this.#o.observed?.() ?? true) {
        this.#o.emit({
          type: 'queued',
          scope: this.#o.scope,
          target: this.target,
          priority,
          ahead,
          expectedWaitMs: waitMs,
        });
      }
      signal?.addEventListener('abort', onAbort, { once: true });
      deadlineSignal.addEventListener('abort', onDeadline, { once: true });
      this.#pump();
    });
  }

  /** Ends a ticket's hold: reconcile, adopt headers, adapt the rate, free the slot. */
  settle(ticket: Ticket, s: TicketSettlement): void {
    if (!this.#held.release(ticket)) return;
    const now = this.#o.clock.now();
    const delta: Cost = { ...ZERO_COST, ...s.delta };
    const shared = this.#shared;
    if (!shared) for (const dim of DIMENSIONS) this.buckets.charge(dim, delta[dim]);
    const blockedBefore = this.buckets.blockedUntil;
    const lowered = s.headers ? this.#adopt(ticket, s.headers, now) : NONE_LOWERED;
    if (s.throttled) this.#throttled(s.throttled, s.retryAfterMs, now);
    else if (s.success) {
      this.#answers.addSuccess();
      if (this.#adaptive.succeeded(now)) this.#setFactor(this.#adaptive.factor);
    }
    if (!shared) {
      this.#pump();
      return;
    }
    const blockUntil = this.buckets.blockedUntil > blockedBefore ? this.buckets.blockedUntil : 0;
    void shared.charge({ delta, lowered, blockUntil }).finally(() => this.#pump());
  }

  /** Expires tickets held past their deadline plus grace. */
  sweep(): void {
    if (this.#held.size === 0 || this.#sweeping) return;
    this.#sweeping = true;
    try {
      this.#expire(this.#o.clock.now());
    } finally {
      this.#sweeping = false;
    }
  }

  #expire(now: number): void {
    for (const ticket of this.#held.expired(now)) {
      if (ticket.settled) continue;
      this.counts.leasesExpired++;
      this.#o.emit({
        type: 'lease_expired',
        scope: this.#o.scope,
        target: this.target,
        overdueMs: now - ticket.deadlineAt,
      });
      ticket.expire();
      // The owner settles it; if it did not, the slot is freed regardless.
      if (!ticket.settled) this.settle(ticket, {});
    }
  }

  depths(): Record<Priority, number> {
    return this.#queue.depths();
  }

  get factor(): number {
    return this.#adaptive.factor;
  }

  toJSON(): LaneState {
    return { buckets: this.buckets.toJSON(), adaptive: this.#adaptive.toJSON() };
  }

  #slotFree(): boolean {
    const max = this.#o.maxConcurrent;
    return max === undefined || this.#held.size + this.#taking < max;
  }

  #setFactor(factor: number): void {
    if (this.#shared) this.#shared.setFactor(factor);
    else this.buckets.setFactor(factor);
  }

  #lineWaitMs(line: Cost): number {
    return this.#shared ? this.#shared.lineWaitMs(line) : this.buckets.lineWaitMs(line);
  }

  /** Adopts an answer's rate-limit headers; returns the dimensions whose level was lowered. */
  #adopt(ticket: Ticket, headers: RateLimitState, now: number): readonly Dimension[] {
    const adopted = adoptHeaders(this.buckets, {
      state: headers,
      dialect: this.#o.dialect,
      sentAt: ticket.sentAt,
      now,
      learn: this.#o.learn,
      configured: this.#configured,
    });
    if (Object.keys(adopted.limits).length > 0) {
      this.#o.emit({
        type: 'limits_adopted',
        scope: this.#o.scope,
        target: this.target,
        limits: adopted.limits,
      });
    }
    return adopted.lowered;
  }

  #throttled(reason: 'rate_limited' | 'slow_down', retryAfterMs: number | undefined, now: number) {
    if (reason === 'rate_limited') this.counts.upstream429++;
    else this.counts.slowDowns++;
    this.#answers.addFailure();
    // A provider's Retry-After holds the whole lane only when the 429s are a run — a real limit
    // reached, or a Slow Down — not for a stray one among clean answers: that request waits out
    // its own Retry-After (the engine's retry), the others go on, and AIMD still slows the lane.
    const { successes, failures } = this.#answers.counts();
    const run = reason === 'slow_down' || failures >= RUN_SHARE * (successes + failures);
    if (run && retryAfterMs !== undefined && retryAfterMs > 0) {
      const until = now + Math.min(retryAfterMs, MAX_BLOCK_MS);
      this.buckets.blockedUntil = Math.max(this.buckets.blockedUntil, until);
    }
    if (this.#adaptive.throttled(now, reason === 'slow_down')) {
      this.#setFactor(this.#adaptive.factor);
    }
    this.#o.emit({
      type: 'throttled',
      scope: this.#o.scope,
      target: this.target,
      reason,
      factor: this.#adaptive.factor,
      retryAfterMs,
    });
  }

  /** Admits every waiter that can go now, in order; then re-arms the one timer. */
  #pump(): void {
    this.sweep();
    const now = this.#o.clock.now();
    // Most pumps find nobody waiting: no copy of the queue for them (a pump runs per settle).
    if (this.#queue.size > 0) {
      for (const w of [...this.#queue]) {
        if (now < w.giveUpAt) continue;
        this.#queue.remove(w);
        w.fail(this.#gaveUp(w, now));
      }
    }
    if (this.#shared) {
      this.#askShared(this.#shared);
      return;
    }
    for (;;) {
      const head = this.#queue.peek();
      if (!head || !this.#slotFree() || !this.buckets.take(head.cost)) break;
      this.#queue.shift();
      head.admit();
    }
    this.#arm(now);
  }

  /** Asks the shared store for the queue's head, one at a time; the answer pumps again. */
  #askShared(shared: SharedBuckets): void {
    if (this.#asking) return;
    const head = this.#queue.peek();
    // Not before the buckets as last seen could pay: the store would only say no.
    if (!head || !this.#slotFree() || shared.current.waitMs(head.cost) > 0) {
      this.#arm(this.#o.clock.now());
      return;
    }
    this.#asking = true;
    this.#timer?.abort();
    this.#timer = undefined;
    shared.take(head.cost).then(({ ok }) => {
      this.#asking = false;
      if (ok) {
        // Asked for as the head; it goes even if a higher priority arrived meanwhile.
        if (this.#queue.remove(head)) head.admit();
        else this.#giveBack(shared, head.cost);
        this.#pump();
      } else {
        this.#arm(this.#o.clock.now());
      }
    });
  }

  #arm(now: number): void {
    this.#timer?.abort();
    this.#timer = undefined;
    const head = this.#queue.peek();
    if (!head) return;
    const buckets = this.#shared ? this.#shared.current : this.buckets;
    let ms = this.#slotFree() ? buckets.waitMs(head.cost) : this.#held.firstExpiry() - now;
    for (const w of this.#queue) ms = Math.min(ms, w.giveUpAt - now);
    const timer = new AbortController();
    this.#timer = timer;
    this.#o.clock.sleep(Math.max(1, ms), timer.signal).then(
      () => {
        if (this.#timer !== timer) return;
        this.#timer = undefined;
        this.#pump();
      },
      () => {},
    );
  }

  #emitAdmitted(priority: Priority, waitMs: number): void {
    if (this.#o.observed?.() === false) return;
    if (waitMs === 0) {
      this.#o.emit(this.#admittedAtOnce(priority));
      return;
    }
    this.#o.emit({ type: 'admitted', scope: this.#o.scope, target: this.target, priority, waitMs });
  }

  /** The notice of an admission without a wait (nearly all): one per priority, made once. */
  #admittedAtOnce(priority: Priority): LimiterEvent {
    let event = this.#atOnce.get(priority);
    if (event === undefined) {
      event = Object.freeze({
        type: 'admitted',
        scope: this.#o.scope,
        target: this.target,
        priority,
        waitMs: 0,
      } as const);
      this.#atOnce.set(priority, event);
    }
    return event;
  }

  #ctx() {
    return { provider: this.#o.provider, model: this.#o.model };
  }

  #tooLarge(cost: Cost): RejectedError {
    const dim = DIMENSIONS.find((d) => cost[d] > (this.buckets.limit(d) ?? Infinity)) ?? 'tokens';
    return tooLarge(this.#ctx(), dim, cost[dim], this.buckets.limit(dim) ?? 0);
  }

  #tooLong(waitMs: number, allowedMs: number, ahead: number): RejectedError {
    this.#rejected('rate_limited', waitMs);
    return waitTooLong(this.#ctx(), waitMs, allowedMs, ahead);
  }

  #gaveUp(w: Waiter, now: number): RejectedError {
    let line = w.cost;
    for (const other of this.#queue.ahead(w.priority)) line = addCost(line, other.cost);
    const retryAfterMs = Math.max(1, this.#lineWaitMs(line));
    this.#rejected('rate_limited', retryAfterMs);
    return gaveUp(this.#ctx(), now - w.enqueuedAt, retryAfterMs);
  }

  #full(): RejectedError {
    let line = ZERO_COST;
    for (const w of this.#queue) line = addCost(line, w.cost);
    const retryAfterMs = Math.max(1000, this.#lineWaitMs(line));
    this.#rejected('queue_full', retryAfterMs);
    return queueFull(this.#ctx(), this.#queue.size, this.#queue.maxDepth, retryAfterMs);
  }

  #rejected(code: 'rate_limited' | 'queue_full', retryAfterMs: number): void {
    if (code === 'rate_limited') this.counts.rateLimited++;
    else this.counts.queueFull++;
    this.#o.emit({
      type: 'rejected',
      scope: this.#o.scope,
      target: this.target,
      code,
      retryAfterMs,
    });
  }
}
