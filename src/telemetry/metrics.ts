/**
 * breakwater's Prometheus metrics (prom-client), fed by the `breakwater:*` channels and, for
 * state, read at scrape time. Every name starts `breakwater_`; docs/observability.md lists them
 * with their labels. The one rule that matters on a dashboard: `origin` says who answered —
 * `provider` for the provider's own errors, `breakwater` for breakwater's rejections (limiter,
 * queue, budget, open breaker, validation), `none` for a success — so a local 429 is never read
 * as the provider's.
 *
 * Labels are bounded (labels.ts): routes and targets as configured, error codes from the one
 * table, statuses from a short list. The hot path uses series bound once (bound-series.ts): per
 * (route, target) for a success, per (target, status) for an attempt that answered, per target
 * for a limiter wait; the in-flight gauge is read at scrape time. A request that goes well adds
 * to numbers and hashes no label set.
 */
import { Counter, collectDefaultMetrics, Gauge, type LabelValues, Registry } from 'prom-client';
import type { BudgetOptions } from '../budget/budget-guard.ts';
import { totalInputTokens } from '../dialects/usage.ts';
import type { CallEnd, CallInfo } from '../engine/engine-events.ts';
import type { LimiterStats } from '../limiter/limiter-stats.ts';
import type { BreakerState } from '../policy/breaker.ts';
import type { AppInfo } from './app-info.ts';
import {
  BoundCounter,
  BoundHistogram,
  type CounterCell,
  type HistogramCell,
} from './bound-series.ts';
import { budgetLimitOf } from './budget-limits.ts';
import type { CostMeter } from './cost.ts';
import { type Labels, statusClass, statusLabel } from './labels.ts';
import { type Sources, subscribe } from './subscription.ts';

/** What the gauges read at scrape time. */
export interface StateSources {
  /** Every target with a breaker, and its state now. */
  breakers(): Iterable<{ target: string; state: BreakerState }>;
  /** Queue depths, in-flight leases and budget spend, when the engine has a limiter. */
  limiter?(): LimiterStats | undefined;
  /** The configured budgets, for the share of each that is spent. */
  budgets?: BudgetOptions;
  /** A fleet's shared store and whether it is down; undefined for `store: memory`. */
  store?(): { kind: string; degraded: boolean } | undefined;
}

export interface MetricsOptions {
  labels: Labels;
  cost: CostMeter;
  /** For `breakwater_build_info`. */
  info: AppInfo;
  /** @default a new Registry */
  registry?: Registry;
  /** Node's own process metrics (CPU, memory, event loop lag, GC) as well. @default false */
  processMetrics?: boolean;
}

const DURATION_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120];
const FIRST_TOKEN_BUCKETS = [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30];
const WAIT_BUCKETS = [0.001, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const BREAKER_VALUE: Record<BreakerState, number> = { closed: 0, half_open: 1, open: 2 };

type R = 'route';
type T = 'target';

/** A success's series for one (route, target), bound once. */
interface Bound {
  ok: CounterCell;
  duration: HistogramCell;
  firstToken: HistogramCell;
  input: CounterCell;
  output: CounterCell;
  cost: CounterCell;
}

export class Metrics {
  readonly registry: Registry;
  readonly #labels: Labels;
  readonly #cost: CostMeter;
  readonly #bound = new Map<string, Map<string, Bound>>();
  /** Attempts that answered, by target and status label. */
  readonly #answered = new Map<string, Map<string, CounterCell>>();
  readonly #waits = new Map<string, HistogramCell>();
  #requestsInFlight = 0;
  #streamsInFlight = 0;

  readonly requests: BoundCounter<R | T | 'outcome' | 'status_class' | 'code' | 'origin'>;
  readonly duration: BoundHistogram<R | T | 'outcome'>;
  readonly firstToken: BoundHistogram<R | T>;
  readonly attempts: BoundCounter<T | 'result' | 'status' | 'code' | 'origin'>;
  readonly retries: Counter<R | T | 'reason'>;
  readonly fallbacks: Counter<R | 'from' | 'to' | 'why'>;
  readonly cacheHits: Counter<R | 'outcome' | 'purpose'>;
  readonly staticAnswers: Counter<R>;
  readonly hedges: Counter<R | 'from' | 'to'>;
  readonly tokens: BoundCounter<R | T | 'type'>;
  readonly costUsd: BoundCounter<R | T>;
  readonly inFlight: Gauge<'kind'>;
  readonly breakerTransitions: Counter<T | 'to'>;
  readonly limiterWait: BoundHistogram<T>;
  readonly limiterRejections: Counter<T | 'code'>;
  readonly webhookDeliveries: Counter<'event' | 'outcome'>;
  #state: StateSources | undefined;

  constructor(options: MetricsOptions) {
    const registry = options.registry ?? new Registry();
    this.registry = registry;
    this.#labels = options.labels;
    this.#cost = options.cost;
    const registers = [registry];
    this.requests = new BoundCounter({
      name: 'breakwater_requests_total',
      help: 'Calls by route, answering target, outcome (ok, error, abandoned), status class, error code and origin (provider: the provider said so; breakwater: its own rejection)',
      labelNames: ['route', 'target', 'outcome', 'status_class', 'code', 'origin'],
      registers,
    });
    this.duration = new BoundHistogram({
      name: 'breakwater_request_duration_seconds',
      help: 'From the call to its answer (a stream: to its end), every attempt and wait included',
      labelNames: ['route', 'target', 'outcome'],
      buckets: DURATION_BUCKETS,
      registers,
    });
    this.firstToken = new BoundHistogram({
      name: 'breakwater_time_to_first_token_seconds',
      help: 'From a streaming call to its first content, every attempt and wait included',
      labelNames: ['route', 'target'],
      buckets: FIRST_TOKEN_BUCKETS,
      registers,
    });
    this.attempts = new BoundCounter({
      name: 'breakwater_upstream_attempts_total',
      help: 'Upstream attempts by target, result (ok, error, skipped), HTTP status, error code and origin',
      labelNames: ['target', 'result', 'status', 'code', 'origin'],
      registers,
    });
    this.retries = new Counter({
      name: 'breakwater_retries_total',
      help: 'Backoff waits before another attempt, by the error code retried',
      labelNames: ['route', 'target', 'reason'],
      registers,
    });
    this.fallbacks = new Counter({
      name: 'breakwater_fallbacks_total',
      help: 'Moves to the next target, the larger-context target, the cache or the static message',
      labelNames: ['route', 'from', 'to', 'why'],
      registers,
    });
    this.cacheHits = new Counter({
      name: 'breakwater_cache_hits_total',
      help: 'Cached answers served: fresh (hit) or expired (stale), before calling (serve) or after every tier failed (fallback)',
      labelNames: ['route', 'outcome', 'purpose'],
      registers,
    });
    this.staticAnswers = new Counter({
      name: 'breakwater_static_answers_total',
      help: "Calls answered with the route's static message",
      labelNames: ['route'],
      registers,
    });
    this.hedges = new Counter({
      name: 'breakwater_hedges_total',
      help: 'Hedge attempts started beside a slow attempt, by the target raced and the one tried',
      labelNames: ['route', 'from', 'to'],
      registers,
    });
    this.tokens = new BoundCounter({
      name: 'breakwater_tokens_total',
      help: 'Tokens the answering targets reported: input (the whole prompt) and output',
      labelNames: ['route', 'target', 'type'],
      registers,
    });
    this.costUsd = new BoundCounter({
      name: 'breakwater_cost_usd_total',
      help: "Answers' cost at the catalog's prices, in US dollars",
      labelNames: ['route', 'target'],
      registers,
    });
    const metrics = this;
    this.inFlight = new Gauge({
      name: 'breakwater_in_flight',
      help: 'Calls under way: all (requests) and streams (streams)',
      labelNames: ['kind'],
      registers,
      collect() {
        this.set({ kind: 'requests' }, metrics.#requestsInFlight);
        this.set({ kind: 'streams' }, metrics.#streamsInFlight);
      },
    });
    this.breakerTransitions = new Counter({
      name: 'breakwater_breaker_transitions_total',
      help: 'Circuit breaker state changes by target and the state entered',
      labelNames: ['target', 'to'],
      registers,
    });
    this.limiterWait = new BoundHistogram({
      name: 'breakwater_limiter_wait_seconds',
      help: "Time attempts waited in the limiter's queue before being admitted",
      labelNames: ['target'],
      buckets: WAIT_BUCKETS,
      registers,
    });
    this.limiterRejections = new Counter({
      name: 'breakwater_limiter_rejections_total',
      help: 'Attempts the limiter refused before sending: rate_limited, queue_full, budget_exceeded',
      labelNames: ['target', 'code'],
      registers,
    });
    this.webhookDeliveries = new Counter({
      name: 'breakwater_webhook_deliveries_total',
      help: 'Alert webhook deliveries by event kind and outcome (delivered, failed after every try)',
      labelNames: ['event', 'outcome'],
      registers,
    });
    this.#stateGauges(registers);
    const info = new Gauge({
      name: 'breakwater_build_info',
      help: 'Always 1: the version, build id and environment of this process',
      labelNames: ['version', 'build_id', 'env'],
      registers,
    });
    info.set(
      {
        version: options.info.version,
        build_id: options.info.buildId ?? '',
        env: options.info.env,
      },
      1,
    );
    // Series that exist before the first call, so a dashboard and an alert read 0, not nothing.
    for (const route of this.#labels.routes) this.staticAnswers.inc({ route }, 0);
    if (options.processMetrics) collectDefaultMetrics({ register: registry });
  }

  /** The Prometheus text of every metric. */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  /** Starts counting `sources`' calls and reading `state` at each scrape. */
  observe(sources: Sources, state: StateSources): () => void {
    this.#state = state;
    const labels = this.#labels;
    return subscribe(sources, {
      requestStart: (call) => this.#started(call),
      requestEnd: (end) => this.#ended(end),
      attemptEnd: ({ record, error }) => {
        const target = labels.target(record.target);
        const status = statusLabel(record.status);
        if (record.result === 'ok' && record.code === undefined && error === undefined) {
          this.#answeredCell(target, status).inc();
          return;
        }
        this.attempts.inc({
          target,
          result: record.result,
          status,
          code: record.code ?? 'none',
          origin: error?.origin ?? (record.result === 'ok' ? 'none' : 'provider'),
        });
      },
      retry: ({ call, target, reason }) =>
        this.retries.inc({
          route: labels.route(call.route),
          target: labels.target(target),
          reason,
        }),
      fallback: ({ call, from, to, why }) =>
        this.fallbacks.inc({
          route: labels.route(call.route),
          from: labels.target(from),
          to: labels.destination(to),
          why,
        }),
      cache: ({ call, outcome, purpose }) =>
        this.cacheHits.inc({ route: labels.route(call.route), outcome, purpose }),
      static: ({ call }) => this.staticAnswers.inc({ route: labels.route(call.route) }),
      hedge: ({ call, from, to }) =>
        this.hedges.inc({
          route: labels.route(call.route),
          from: labels.target(from),
          to: labels.target(to),
        }),
      breaker: ({ target, to }) =>
        this.breakerTransitions.inc({ target: labels.target(target), to }),
      limiter: ({ event }) => {
        if (event.type === 'admitted') {
          this.#waitCell(labels.target(event.target)).observe(event.waitMs / 1000);
        } else if (event.type === 'rejected') {
          this.limiterRejections.inc({ target: labels.target(event.target), code: event.code });
        }
      },
    });
  }

  #started(call: CallInfo): void {
    this.#requestsInFlight++;
    if (call.stream) this.#streamsInFlight++;
  }

  #ended(end: CallEnd): void {
    const { call, answer, error, usage } = end;
    const labels = this.#labels;
    // A call refused before it started (the gateway's own checks) was never counted in flight.
    if (end.started) {
      this.#requestsInFlight--;
      if (call.stream) this.#streamsInFlight--;
    }
    const route = labels.route(call.route);
    const target = labels.target(answer?.target ?? error?.attempts?.at(-1)?.target);
    const seconds = end.durationMs / 1000;
    if (!error && !end.abandoned) {
      const bound = this.#boundFor(route, target);
      bound.ok.inc();
      bound.duration.observe(seconds);
      if (end.firstChunkMs !== undefined) bound.firstToken.observe(end.firstChunkMs / 1000);
      if (usage) {
        bound.input.inc(totalInputTokens(usage));
        bound.output.inc(usage.outputTokens);
        const cost = this.#cost.costOf(answer?.target, usage);
        if (cost !== undefined && cost > 0) bound.cost.inc(cost);
      }
      return;
    }
    const outcome = error ? 'error' : 'abandoned';
    // A stream that failed or was left after its first byte still answered 200.
    const status = answer ? 200 : (error?.status ?? 500);
    this.requests.inc({
      route,
      target,
      outcome,
      status_class: statusClass(status),
      code: error?.code ?? 'none',
      origin: error?.origin ?? 'none',
    });
    this.duration.observe({ route, target, outcome }, seconds);
    if (usage) {
      this.tokens.inc({ route, target, type: 'input' }, totalInputTokens(usage));
      this.tokens.inc({ route, target, type: 'output' }, usage.outputTokens);
      const cost = this.#cost.costOf(answer?.target, usage);
      if (cost !== undefined && cost > 0) this.costUsd.inc({ route, target }, cost);
    }
  }

  #boundFor(route: string, target: string): Bound {
    let byTarget = this.#bound.get(route);
    if (!byTarget) {
      byTarget = new Map();
      this.#bound.set(route, byTarget);
    }
    let bound = byTarget.get(target);
    if (!bound) {
      const rt: LabelValues<R | T> = { route, target };
      bound = {
        ok: this.requests.bind({
          ...rt,
          outcome: 'ok',
          status_class: '2xx',
          code: 'none',
          origin: 'none',
        }),
        duration: this.duration.labels({ ...rt, outcome: 'ok' }),
        firstToken: this.firstToken.labels(rt),
        input: this.tokens.bind({ ...rt, type: 'input' }),
        output: this.tokens.bind({ ...rt, type: 'output' }),
        cost: this.costUsd.bind(rt),
      };
      byTarget.set(target, bound);
    }
    return bound;
  }

  /** The series of attempts on `target` that answered with `status`. */
  #answeredCell(target: string, status: string): CounterCell {
    let byStatus = this.#answered.get(target);
    if (!byStatus) {
      byStatus = new Map();
      this.#answered.set(target, byStatus);
    }
    let cell = byStatus.get(status);
    if (!cell) {
      cell = this.attempts.bind({ target, result: 'ok', status, code: 'none', origin: 'none' });
      byStatus.set(status, cell);
    }
    return cell;
  }

  #waitCell(target: string): HistogramCell {
    let cell = this.#waits.get(target);
    if (!cell) {
      cell = this.limiterWait.labels({ target });
      this.#waits.set(target, cell);
    }
    return cell;
  }

  #stateGauges(registers: Registry[]): void {
    const metrics = this;
    const labels = this.#labels;
    new Gauge({
      name: 'breakwater_breaker_state',
      help: 'Circuit breaker state per target: 0 closed, 1 half-open, 2 open',
      labelNames: ['target'],
      registers,
      collect() {
        this.reset();
        for (const target of labels.targets) this.set({ target }, 0);
        const worst = new Map<string, number>();
        for (const { target, state } of metrics.#state?.breakers() ?? []) {
          const label = labels.target(target);
          worst.set(label, Math.max(worst.get(label) ?? 0, BREAKER_VALUE[state]));
        }
        for (const [target, value] of worst) this.set({ target }, value);
      },
    });
    const laneGauge = (
      name: string,
      help: string,
      read: (s: LimiterStats['lanes'][number]) => number,
    ) =>
      new Gauge({
        name,
        help,
        labelNames: ['target'],
        registers,
        collect() {
          this.reset();
          const stats = metrics.#state?.limiter?.();
          if (!stats) return;
          const sums = new Map<string, number>();
          for (const lane of stats.lanes) {
            const label = labels.target(lane.target);
            sums.set(label, (sums.get(label) ?? 0) + read(lane));
          }
          for (const [target, value] of sums) this.set({ target }, value);
        },
      });
    new Gauge({
      name: 'breakwater_store_degraded',
      help: "1 while the fleet's shared store is unreachable and this gateway serves its share of every limit and budget, else 0; absent with store: memory",
      labelNames: ['store'],
      registers,
      collect() {
        this.reset();
        const store = metrics.#state?.store?.();
        if (store) this.set({ store: store.kind }, store.degraded ? 1 : 0);
      },
    });
    laneGauge(
      'breakwater_limiter_queue_depth',
      "Calls waiting in the limiter's queues, per target",
      (lane) => lane.waiting.high + lane.waiting.normal + lane.waiting.low,
    );
    laneGauge(
      'breakwater_limiter_in_flight',
      'Attempts holding a limiter lease, per target',
      (lane) => lane.inFlight,
    );
    const budgetGauge = (
      name: string,
      help: string,
      read: (spent: number, limit: number) => number,
    ) =>
      new Gauge({
        name,
        help,
        labelNames: ['scope', 'name', 'window'],
        registers,
        collect() {
          this.reset();
          const state = metrics.#state;
          const stats = state?.limiter?.();
          if (!stats) return;
          for (const [key, entry] of Object.entries(stats.budgets)) {
            const [scope = '', name = '', window = ''] = key.split('|');
            const limit = budgetLimitOf(state?.budgets, scope, name, window);
            if (limit === undefined) continue;
            const shown = scope === 'route' ? labels.route(name) : name;
            this.set({ scope, name: shown, window }, read(entry.spentUsd, limit));
          }
        },
      });
    budgetGauge(
      'breakwater_budget_spent_usd',
      'Spend in the current budget window, US dollars',
      (spent) => spent,
    );
    budgetGauge(
      'breakwater_budget_limit_usd',
      'The budget of the window, US dollars',
      (_, limit) => limit,
    );
    budgetGauge(
      'breakwater_budget_used_ratio',
      'Share of the budget spent in the current window (1 = exhausted)',
      (spent, limit) => (limit > 0 ? spent / limit : 0),
    );
  }
}
