/**
 * Alert webhooks, for operators without Prometheus: a budget crossing one of its thresholds
 * (50/80/100% by default, each once per budget window — the budget guard announces each once)
 * and a target's breaker opening (closed → open) or recovering (→ closed) are POSTed as JSON to
 * every configured URL that asked for that kind of alert. A failed probe that re-opens a breaker
 * is not news and sends nothing.
 *
 * Off the request path: an alert is put in each URL's queue (bounded; the oldest is dropped when
 * full) and a worker per URL delivers them one at a time, each with a time limit and retried
 * with full-jitter backoff (1 s base, 30 s cap) on a network error, a 5xx or a 429, up to
 * `maxAttempts`. Nothing here can block, slow or fail a request. A `slack` URL gets `{ text }`,
 * which Slack's incoming webhooks and the many receivers that copy them accept.
 */
import type { ResolvedWebhook, WebhookEvent } from '../config/config-telemetry.ts';
import type { Clock } from '../core/clock.ts';
import { systemClock } from '../core/clock.ts';
import type { BreakerMoved } from '../engine/engine-events.ts';
import type { LimiterEvent } from '../limiter/limiter-events.ts';
import type { AppInfo } from './app-info.ts';
import { type Sources, subscribe } from './subscription.ts';

export interface Alert {
  event: 'budget_threshold' | 'breaker_open' | 'breaker_closed';
  kind: WebhookEvent;
  severity: 'info' | 'warning' | 'critical';
  /** One sentence a person reads in a chat channel. */
  summary: string;
  /** Epoch milliseconds. */
  at: number;
  details: Record<string, string | number>;
}

export interface WebhookOptions {
  clock?: Clock;
  random?: () => number;
  /** @default globalThis.fetch */
  fetch?: typeof fetch;
  /** Tags on every body: version, build id, environment. */
  info: AppInfo;
  /** Told of each alert's fate at one URL, for the delivery metric. */
  onDelivery?: (alert: Alert, outcome: 'delivered' | 'failed' | 'dropped') => void;
  /** Alerts waiting per URL before the oldest is dropped. @default 100 */
  maxQueue?: number;
}

const BASE_MS = 1_000;
const CAP_MS = 30_000;

const percent = (share: number) => `${Math.round(share * 100)}%`;
const usd = (n: number) => `$${n.toFixed(2)}`;

export function budgetAlert(event: LimiterEvent, at: number): Alert | undefined {
  if (event.type !== 'budget_threshold') return undefined;
  const who = event.scope === 'total' ? 'total' : `${event.scope} ${event.name}`;
  const period = event.window === 'day' ? 'daily' : 'monthly';
  return {
    event: 'budget_threshold',
    kind: 'budget',
    severity: event.threshold >= 1 ? 'critical' : event.threshold >= 0.8 ? 'warning' : 'info',
    summary: `breakwater: ${who} ${period} budget at ${percent(event.threshold)} — ${usd(event.spentUsd)} of ${usd(event.limitUsd)} spent; resets ${new Date(event.resetsAt).toISOString()}`,
    at,
    details: {
      scope: event.scope,
      name: event.name,
      window: event.window,
      threshold: event.threshold,
      spentUsd: event.spentUsd,
      limitUsd: event.limitUsd,
      resetsAt: new Date(event.resetsAt).toISOString(),
    },
  };
}

export function breakerAlert(moved: BreakerMoved, at: number): Alert | undefined {
  const { target, from, to, openMs } = moved;
  if (to === 'open' && from === 'closed') {
    return {
      event: 'breaker_open',
      kind: 'breaker',
      severity: 'critical',
      summary: `breakwater: circuit opened for ${target} — it failed repeatedly; calls skip it for ${Math.round((openMs ?? 0) / 1000)} s, then one probe`,
      at,
      details: { target, from, to, openMs: openMs ?? 0 },
    };
  }
  if (to === 'closed' && from !== 'closed') {
    return {
      event: 'breaker_closed',
      kind: 'breaker',
      severity: 'info',
      summary: `breakwater: circuit closed for ${target} — its probe succeeded; traffic is back`,
      at,
      details: { target, from, to },
    };
  }
  return undefined;
}

/** The POSTed body of `alert` in `format`. */
export function webhookBody(alert: Alert, format: ResolvedWebhook['format'], info: AppInfo) {
  if (format === 'slack') return { text: `[${info.env}] ${alert.summary}` };
  return {
    source: 'breakwater',
    event: alert.event,
    severity: alert.severity,
    summary: alert.summary,
    at: new Date(alert.at).toISOString(),
    version: info.version,
    env: info.env,
    ...(info.buildId === undefined ? {} : { buildId: info.buildId }),
    details: alert.details,
  };
}

class Delivery {
  readonly #hook: ResolvedWebhook;
  readonly #o: WebhookOptions & { clock: Clock; random: () => number; fetch: typeof fetch };
  readonly #closed: AbortSignal;
  readonly #queue: Alert[] = [];
  #running: Promise<void> | undefined;

  constructor(
    hook: ResolvedWebhook,
    options: WebhookOptions & { clock: Clock; random: () => number; fetch: typeof fetch },
    closed: AbortSignal,
  ) {
    this.#hook = hook;
    this.#o = options;
    this.#closed = closed;
  }

  wants(alert: Alert): boolean {
    return this.#hook.events.includes(alert.kind);
  }

  push(alert: Alert): void {
    if (this.#queue.length >= (this.#o.maxQueue ?? 100)) {
      const dropped = this.#queue.shift()!;
      this.#o.onDelivery?.(dropped, 'dropped');
    }
    this.#queue.push(alert);
    this.#running ??= this.#drain().finally(() => {
      this.#running = undefined;
    });
  }

  /** Resolves once the queue is empty (or the webhooks closed). */
  idle(): Promise<void> {
    return this.#running ?? Promise.resolve();
  }

  async #drain(): Promise<void> {
    // Start on a later turn: the caller (a publishing engine) must never wait for this.
    await Promise.resolve();
    while (this.#queue.length > 0 && !this.#closed.aborted) {
      const alert = this.#queue.shift()!;
      const delivered = await this.#deliver(alert);
      this.#o.onDelivery?.(alert, delivered ? 'delivered' : 'failed');
    }
  }

  async #deliver(alert: Alert): Promise<boolean> {
    const body = JSON.stringify(webhookBody(alert, this.#hook.format, this.#o.info));
    for (let attempt = 0; attempt < this.#hook.maxAttempts; attempt++) {
      if (attempt > 0) {
        const waitMs = this.#o.random() * Math.min(CAP_MS, BASE_MS * 2 ** (attempt - 1));
        try {
          await this.#o.clock.sleep(waitMs, this.#closed);
        } catch {
          return false;
        }
      }
      const verdict = await this.#post(body);
      if (verdict === 'ok') return true;
      if (verdict === 'final') return false;
    }
    return false;
  }

  async #post(body: string): Promise<'ok' | 'retry' | 'final'> {
    try {
      const res = await this.#o.fetch(this.#hook.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'breakwater-alerts' },
        body,
        signal: AbortSignal.any([AbortSignal.timeout(this.#hook.timeoutMs), this.#closed]),
      });
      await res.body?.cancel().catch(() => undefined);
      if (res.ok) return 'ok';
      return res.status === 429 || res.status >= 500 ? 'retry' : 'final';
    } catch {
      return this.#closed.aborted ? 'final' : 'retry';
    }
  }
}

export class AlertWebhooks {
  readonly #deliveries: Delivery[];
  readonly #clock: Clock;
  readonly #closing = new AbortController();

  constructor(hooks: readonly ResolvedWebhook[], options: WebhookOptions) {
    const clock = options.clock ?? systemClock;
    this.#clock = clock;
    const full = {
      ...options,
      clock,
      random: options.random ?? Math.random,
      fetch: options.fetch ?? globalThis.fetch,
    };
    this.#deliveries = hooks.map((hook) => new Delivery(hook, full, this.#closing.signal));
  }

  /** Queues `alert` for every URL that wants its kind; returns at once. */
  send(alert: Alert): void {
    for (const delivery of this.#deliveries) if (delivery.wants(alert)) delivery.push(alert);
  }

  observe(sources: Sources): () => void {
    return subscribe(sources, {
      breaker: (moved) => {
        const alert = breakerAlert(moved, this.#clock.now());
        if (alert) this.send(alert);
      },
      limiter: ({ event }) => {
        const alert = budgetAlert(event, this.#clock.now());
        if (alert) this.send(alert);
      },
    });
  }

  /** Resolves once every queue is empty: for tests and a graceful shutdown. */
  async idle(): Promise<void> {
    await Promise.all(this.#deliveries.map((d) => d.idle()));
  }

  /** Stops every retry and delivery under way; queued alerts are dropped. */
  close(): void {
    this.#closing.abort();
  }
}
