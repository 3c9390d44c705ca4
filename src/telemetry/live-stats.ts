/**
 * The figures of the status page, kept in memory from the `breakwater:*` channels: per target,
 * over the last five minutes in ten-second slots, calls and their errors by class, latencies
 * (a bounded sample per slot for p50/p95), fallbacks, cache hits and static answers — once for
 * everyone and once per tenant, so a client key is shown its own traffic only.
 *
 * Written here rather than read back from prom-client: its counters have no time window, and a
 * page that refreshes every few seconds needs "now", not "since start". Tenants are the
 * gateway's client keys (a bounded set); targets are bounded labels (labels.ts).
 */
import type { Clock } from '../core/clock.ts';
import { systemClock } from '../core/clock.ts';
import type { CallEnd } from '../engine/engine-events.ts';
import type { Labels } from './labels.ts';
import { type Sources, subscribe } from './subscription.ts';

export const SLOT_MS = 10_000;
export const SLOTS = 30;
/** Latencies kept per slot and target; past it, a reservoir sample keeps it representative. */
const SAMPLES_PER_SLOT = 256;
/** The figures "now" are over the last minute. */
const RECENT_SLOTS = 6;
const EVERYONE = '*';

/** Error classes as the page shows them. */
export interface ErrorCounts {
  /** The provider answered 429 (or 529: overloaded). */
  providerRateLimited: number;
  /** The provider answered another 4xx. */
  provider4xx: number;
  /** The provider answered 5xx, timed out, or the connection failed. */
  provider5xx: number;
  /** breakwater refused the call itself: limiter, queue, budget, open breaker, validation. */
  breakwater: number;
  /** A stream that failed or was left after its first byte. */
  midStream: number;
}

interface Slot {
  id: number;
  requests: number;
  errors: ErrorCounts;
  latenciesMs: number[];
  seen: number;
}

interface RouteSlot {
  id: number;
  fallbacks: number;
  cacheHits: number;
  staticAnswers: number;
}

export interface TargetFigures {
  target: string;
  /** Calls per second over the last minute. */
  requestRate: number;
  /** Errors over the last minute, by class. */
  errors: ErrorCounts;
  /** Share of the last minute's calls that failed, 0–1. */
  errorRate: number;
  /** Over the last five minutes, in milliseconds; undefined before any call. */
  p50Ms: number | undefined;
  p95Ms: number | undefined;
  /** Oldest first, one per ten-second slot: calls and failed calls. */
  series: { at: number; requests: number; errors: number }[];
}

export interface LiveFigures {
  targets: TargetFigures[];
  /** Over the last five minutes. */
  fallbacks: number;
  cacheHits: number;
  staticAnswers: number;
}

const noErrors = (): ErrorCounts => ({
  providerRateLimited: 0,
  provider4xx: 0,
  provider5xx: 0,
  breakwater: 0,
  midStream: 0,
});

function errorClass(end: CallEnd): keyof ErrorCounts | undefined {
  const { error } = end;
  if (!error) return undefined;
  if (end.answer) return 'midStream';
  if (error.origin === 'breakwater') return 'breakwater';
  if (error.code === 'aborted') return undefined;
  const status = error.providerStatus ?? error.status;
  if (status === 429 || status === 529) return 'providerRateLimited';
  return status >= 400 && status < 500 ? 'provider4xx' : 'provider5xx';
}

function percentile(sorted: readonly number[], p: number): number | undefined {
  if (sorted.length === 0) return undefined;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1));
  return sorted[rank];
}

export class LiveStats {
  readonly #labels: Labels;
  readonly #clock: Clock;
  readonly #random: () => number;
  /** scope → target → slots (a ring of SLOTS). */
  readonly #targets = new Map<string, Map<string, Slot[]>>();
  readonly #routes = new Map<string, RouteSlot[]>();
  readonly #tenants: ReadonlySet<string> | undefined;

  /** `tenants`: the scopes kept besides everyone's (the client keys' ids); others are dropped. */
  constructor(
    labels: Labels,
    options: { clock?: Clock; random?: () => number; tenants?: Iterable<string> } = {},
  ) {
    this.#labels = labels;
    this.#clock = options.clock ?? systemClock;
    this.#random = options.random ?? Math.random;
    this.#tenants = options.tenants ? new Set(options.tenants) : undefined;
  }

  observe(sources: Sources): () => void {
    // Made once per tenant kept (client keys, a bounded set), not per call.
    const everyone = [EVERYONE];
    const withTenant = new Map<string, string[]>();
    const scopes = (tenant: string | undefined) => {
      if (tenant === undefined || !this.#tenants?.has(tenant)) return everyone;
      let both = withTenant.get(tenant);
      if (!both) {
        both = [EVERYONE, tenant];
        withTenant.set(tenant, both);
      }
      return both;
    };
    return subscribe(sources, {
      requestEnd: (end) => {
        const target = this.#labels.target(
          end.answer?.target ?? end.error?.attempts?.at(-1)?.target,
        );
        const kind = errorClass(end);
        // A caller who cancelled is not an error of the route's, nor a latency worth showing.
        if (end.error?.code === 'aborted' && !end.answer) return;
        for (const scope of scopes(end.call.tenant)) {
          const slot = this.#slot(scope, target);
          slot.requests++;
          if (kind) slot.errors[kind]++;
          else if (!end.abandoned) this.#sample(slot, end.durationMs);
        }
      },
      fallback: ({ call }) => {
        for (const scope of scopes(call.tenant)) this.#routeSlot(scope).fallbacks++;
      },
      cache: ({ call }) => {
        for (const scope of scopes(call.tenant)) this.#routeSlot(scope).cacheHits++;
      },
      static: ({ call }) => {
        for (const scope of scopes(call.tenant)) this.#routeSlot(scope).staticAnswers++;
      },
    });
  }

  /** The figures for everyone, or for one tenant only. */
  figures(tenant?: string): LiveFigures {
    const scope = tenant ?? EVERYONE;
    const now = this.#slotId();
    const targets: TargetFigures[] = [];
    for (const [target, ring] of this.#targets.get(scope) ?? []) {
      const errors = noErrors();
      let recent = 0;
      let recentErrors = 0;
      const latencies: number[] = [];
      const series: TargetFigures['series'] = [];
      for (let id = now - SLOTS + 1; id <= now; id++) {
        const slot = ring[id % SLOTS];
        const live = slot !== undefined && slot.id === id;
        const failed = live ? sumErrors(slot.errors) : 0;
        series.push({ at: id * SLOT_MS, requests: live ? slot.requests : 0, errors: failed });
        if (!live) continue;
        for (const ms of slot.latenciesMs) latencies.push(ms);
        if (id > now - RECENT_SLOTS) {
          recent += slot.requests;
          recentErrors += failed;
          for (const key of Object.keys(errors) as (keyof ErrorCounts)[]) {
            errors[key] += slot.errors[key];
          }
        }
      }
      latencies.sort((a, b) => a - b);
      targets.push({
        target,
        requestRate: recent / ((RECENT_SLOTS * SLOT_MS) / 1000),
        errors,
        errorRate: recent === 0 ? 0 : recentErrors / recent,
        p50Ms: percentile(latencies, 0.5),
        p95Ms: percentile(latencies, 0.95),
        series,
      });
    }
    const totals = { fallbacks: 0, cacheHits: 0, staticAnswers: 0 };
    for (const slot of this.#routes.get(scope) ?? []) {
      if (slot === undefined || slot.id <= now - SLOTS) continue;
      totals.fallbacks += slot.fallbacks;
      totals.cacheHits += slot.cacheHits;
      totals.staticAnswers += slot.staticAnswers;
    }
    return { targets, ...totals };
  }

  #slotId(): number {
    return Math.floor(this.#clock.now() / SLOT_MS);
  }

  #slot(scope: string, target: string): Slot {
    let byTarget = this.#targets.get(scope);
    if (!byTarget) {
      byTarget = new Map();
      this.#targets.set(scope, byTarget);
    }
    let ring = byTarget.get(target);
    if (!ring) {
      ring = [];
      byTarget.set(target, ring);
    }
    const id = this.#slotId();
    let slot = ring[id % SLOTS];
    if (slot === undefined || slot.id !== id) {
      slot = { id, requests: 0, errors: noErrors(), latenciesMs: [], seen: 0 };
      ring[id % SLOTS] = slot;
    }
    return slot;
  }

  #routeSlot(scope: string): RouteSlot {
    let ring = this.#routes.get(scope);
    if (!ring) {
      ring = [];
      this.#routes.set(scope, ring);
    }
    const id = this.#slotId();
    let slot = ring[id % SLOTS];
    if (slot === undefined || slot.id !== id) {
      slot = { id, fallbacks: 0, cacheHits: 0, staticAnswers: 0 };
      ring[id % SLOTS] = slot;
    }
    return slot;
  }

  #sample(slot: Slot, ms: number): void {
    slot.seen++;
    if (slot.latenciesMs.length < SAMPLES_PER_SLOT) {
      slot.latenciesMs.push(ms);
      return;
    }
    const at = Math.floor(this.#random() * slot.seen);
    if (at < SAMPLES_PER_SLOT) slot.latenciesMs[at] = ms;
  }
}

function sumErrors(e: ErrorCounts): number {
  return e.providerRateLimited + e.provider4xx + e.provider5xx + e.breakwater + e.midStream;
}
