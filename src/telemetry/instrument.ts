/**
 * Everything telemetry does for one engine, wired once by its face (the gateway, a client):
 * decision logs (event-log.ts), Prometheus metrics (metrics.ts), spans and GenAI metrics
 * (tracing.ts), alert webhooks (webhooks.ts) and the status page's live figures
 * (live-stats.ts), each subscribed to the engine's `breakwater:*` channels and filtered to it,
 * as the config's `telemetry` section says. `close()` unsubscribes all of it.
 *
 * The engine is known here only by its shape (`InstrumentedEngine`): telemetry sits below it.
 */
import type { Registry } from 'prom-client';
import type { ResolvedConfig } from '../config/config-types.ts';
import type { Clock } from '../core/clock.ts';
import type { LimiterStats } from '../limiter/limiter-stats.ts';
import type { BreakerState } from '../policy/breaker.ts';
import { type AppInfo, appInfo } from './app-info.ts';
import { CostMeter } from './cost.ts';
import { type EventLogger, logEngineEvents } from './event-log.ts';
import { Labels } from './labels.ts';
import { LiveStats } from './live-stats.ts';
import { Metrics } from './metrics.ts';
import { traceEngine } from './tracing.ts';
import { AlertWebhooks } from './webhooks.ts';

/** What telemetry reads of an engine. */
export interface InstrumentedEngine {
  /** What the limiter's notices are published in the name of. */
  readonly admission: object;
  targets(): Iterable<{
    readonly target: { id: string };
    readonly breaker: { state: BreakerState };
  }>;
  /** Where shared state lives; a fleet's store says whether it is down. */
  readonly store?: { kind: string; fleet?: { health: { degraded: boolean } } };
}

export interface InstrumentOptions {
  config: Pick<ResolvedConfig, 'routes' | 'providers' | 'catalog' | 'budgets' | 'telemetry'>;
  /** Where decisions are logged. @default not logged */
  logger?: EventLogger;
  /** Where metrics are registered. @default a new Registry */
  registry?: Registry;
  /** Node's process metrics as well. @default false */
  processMetrics?: boolean;
  /** Keep the status page's live figures, per tenant too for these tenants. @default not kept */
  live?: { tenants: Iterable<string> };
  /** The limiter's figures for the gauges, when the engine has one. */
  limiterStats?: () => LimiterStats | undefined;
  clock?: Clock;
  /** For the webhooks. @default globalThis.fetch */
  fetch?: typeof fetch;
}

export class Telemetry {
  readonly info: AppInfo;
  readonly labels: Labels;
  readonly cost: CostMeter;
  readonly metrics: Metrics | undefined;
  readonly live: LiveStats | undefined;
  readonly webhooks: AlertWebhooks | undefined;
  readonly #stops: (() => void)[] = [];

  constructor(engine: InstrumentedEngine, options: InstrumentOptions) {
    const { config } = options;
    const settings = config.telemetry;
    const sources = { engine, limiter: engine.admission };
    this.info = appInfo(settings);
    this.labels = new Labels(config);
    this.cost = new CostMeter(config.catalog);
    if (options.logger) this.#stops.push(logEngineEvents(sources, options.logger));
    if (settings.metrics.enabled) {
      this.metrics = new Metrics({
        labels: this.labels,
        cost: this.cost,
        info: this.info,
        registry: options.registry,
        processMetrics: options.processMetrics ?? false,
      });
      this.#stops.push(
        this.metrics.observe(sources, {
          breakers: () => breakerStates(engine),
          limiter: options.limiterStats,
          budgets: config.budgets,
          store: () => {
            const store = engine.store;
            return store?.fleet && { kind: store.kind, degraded: store.fleet.health.degraded };
          },
        }),
      );
    }
    if (settings.tracing.enabled) {
      this.#stops.push(
        traceEngine(sources, { environment: settings.environment, buildId: settings.buildId }),
      );
    }
    if (settings.webhooks.length > 0) {
      const metrics = this.metrics;
      const webhooks = new AlertWebhooks(settings.webhooks, {
        info: this.info,
        clock: options.clock,
        fetch: options.fetch,
        onDelivery: (alert, outcome) =>
          metrics?.webhookDeliveries.inc({ event: alert.event, outcome }),
      });
      this.webhooks = webhooks;
      this.#stops.push(webhooks.observe(sources), () => webhooks.close());
    }
    if (options.live) {
      const live = new LiveStats(this.labels, {
        clock: options.clock,
        tenants: options.live.tenants,
      });
      this.live = live;
      this.#stops.push(live.observe(sources));
    }
  }

  /** Unsubscribes everything and stops webhook deliveries under way. */
  close(): void {
    for (const stop of this.#stops.splice(0)) stop();
  }
}

function* breakerStates(engine: InstrumentedEngine) {
  for (const { target, breaker } of engine.targets()) {
    yield { target: target.id, state: breaker.state };
  }
}
