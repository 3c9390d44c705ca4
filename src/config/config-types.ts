/**
 * The shape of breakwater's configuration, as a user writes it (YAML, JSON or a TypeScript
 * object) and as the engine reads it after loading (`ResolvedConfig`: every default filled,
 * every reference checked). Units are in the names: every duration ends in `Ms`.
 */
import type { DialectName } from '../dialects/dialect-name.ts';
import type { ModelInfoOverride } from '../tokens/model-catalog.ts';
import type { ResolvedStore } from './config-store.ts';
import type { ResolvedTelemetry, TelemetryConfig } from './config-telemetry.ts';
import type { LimitsSection, ResolvedLimits } from './limits-config.ts';
import type { BudgetOptions } from './limits-types.ts';

/** A key, a pool of keys used round robin, or a function asked again after a 401 (rotation). */
export type ApiKeySource = string | readonly string[] | (() => string | Promise<string>);

export interface ProviderConfig {
  /** The wire format the provider speaks. @default the provider's name when it is `openai` or `anthropic` */
  dialect?: DialectName;
  /** @default https://api.openai.com (openai) or https://api.anthropic.com (anthropic) */
  baseUrl?: string;
  apiKey?: ApiKeySource;
  /** Extra headers sent upstream on every call (e.g. `anthropic-beta`, `OpenAI-Organization`). */
  headers?: Record<string, string>;
  /**
   * The breaker of each of this provider's targets, merged over the global `policy.breaker`.
   * Breaker settings belong to the target, shared by every route that reaches it, so a route's
   * policy cannot set them.
   */
  breaker?: BreakerPolicyConfig;
}

export interface RetryPolicyConfig {
  /** Attempts per target, the first included. @default 4 */
  maxAttempts?: number;
  /** Full-jitter backoff base. @default 1000 */
  baseMs?: number;
  /** Backoff cap. @default 60000 */
  capMs?: number;
  /** The longest server-requested wait honoured before moving on. @default 60000 */
  maxRetryDelayMs?: number;
  /** Retries as a share of a target's recent requests. @default 0.5 */
  budgetRatio?: number;
  /**
   * Eager failover: a wait before the next attempt on the same target longer than this tries
   * the next healthy tier at once; the retry may still come later. @default 250
   */
  failoverAfterMs?: number;
}

export interface HedgePolicyConfig {
  /** A second attempt when the first has no usable head after the hedge delay. @default true */
  enabled?: boolean;
  /** The hedge delay: this many times the target's recent p95 time to a usable head. @default 2 */
  delayFactor?: number;
  /** The hedge delay is never shorter. @default 100 */
  minDelayMs?: number;
  /** Hedges as a share of a target's recent attempts. @default 0.05 */
  budgetRatio?: number;
}

export interface TimeoutPolicyConfig {
  /** @default 5000 */
  connectMs?: number;
  /** Until response headers, streaming. Non-streaming grows with max_tokens. @default 30000 */
  firstByteMs?: number;
  /** Silence allowed between bytes. @default 15000 */
  idleMs?: number;
  /** The whole request, every attempt and wait included. @default 120000 */
  deadlineMs?: number;
  /**
   * The longest a stream may last after its commit point, however it is read; past it the
   * stream is cut and its upstream call closed. @default 900000 (15 min)
   */
  maxStreamMs?: number;
}

export interface BreakerPolicyConfig {
  /** @default 5 */
  failureThreshold?: number;
  /** @default 0.5 */
  failureRate?: number;
  /** @default 50 */
  minimumCalls?: number;
  /** @default 5 */
  consecutiveFailures?: number;
  /** @default 60000 */
  windowMs?: number;
  /** @default 30000 */
  openMs?: number;
  /** @default 300000 */
  maxOpenMs?: number;
}

export type CacheMode = 'off' | 'fallback' | 'always';

export interface CachePolicyConfig {
  /** `fallback` stores good answers and serves them only when every tier failed. @default 'off' */
  mode?: CacheMode;
  /** @default 3600000 */
  ttlMs?: number;
  /** Serve an expired entry when every tier failed. @default true */
  allowStale?: boolean;
}

export interface PolicyConfig {
  retry?: RetryPolicyConfig;
  timeouts?: TimeoutPolicyConfig;
  /** Global only: a provider's `breaker` refines it; a route's policy may not set it. */
  breaker?: BreakerPolicyConfig;
  cache?: CachePolicyConfig;
  hedge?: HedgePolicyConfig;
}

export interface RouteConfig {
  /** Ordered tiers; each is a `provider/model` target or a list of them tried in order. */
  tiers: readonly (string | readonly string[])[];
  /** A larger-context target to use when the prompt does not fit. */
  contextFallback?: string;
  /**
   * A prompt (with max_tokens) too long for every tier's context window: `reject` (400),
   * `fallback` (to `contextFallback`), `slide` (drop the oldest turns to fit) or `summarize`
   * (older turns summarised through `summaryRoute`). @default 'fallback' with a contextFallback, else 'reject'
   */
  onContextOverflow?: ContextOverflow;
  /** The route or `provider/model` that writes summaries for `summarize`. @default the route itself */
  summaryRoute?: string;
  /** A friendly message returned as a normal completion when everything else failed. */
  staticMessage?: string;
  /**
   * What a refusal (OpenAI `finish_reason: content_filter`, Anthropic `stop_reason: refusal`)
   * does: `answer` returns it as the answer; `fallback` tries the next tier as for a failure.
   * Streams commit at their first content, so only non-streaming answers can fall back.
   * @default 'answer'
   */
  onRefusal?: 'answer' | 'fallback';
  /**
   * Identical non-streaming calls in flight at once (same tenant, same request) share one
   * upstream call and its answer. @default false
   */
  coalesce?: boolean;
  policy?: PolicyConfig;
}

export interface IdempotencyConfig {
  /** How long an answer is kept under its `Idempotency-Key`. @default 86400000 (24 h) */
  ttlMs?: number;
  /** Upper bound of the in-memory idempotency store. @default 67108864 (64 MiB) */
  maxBytes?: number;
}

export interface BreakwaterConfig {
  providers: Record<string, ProviderConfig>;
  routes?: Record<string, RouteConfig>;
  policy?: PolicyConfig;
  cache?: {
    /** Upper bound of the in-memory response cache. @default 67108864 (64 MiB) */
    maxBytes?: number;
  };
  /** Answers kept under the callers' `Idempotency-Key`s. */
  idempotency?: IdempotencyConfig;
  /** Rate limits, the admission queue and max_tokens policies (docs/limits.md). */
  limits?: LimitsSection;
  /** Spend budgets per route, per gateway client and in total (docs/limits.md). */
  budgets?: BudgetOptions;
  /** Model facts and prices that override the built-in catalog, by `provider/model` or model. */
  catalog?: Record<string, ModelInfoOverride>;
  /** Logs, metrics, spans, alert webhooks and the admin key (docs/observability.md). */
  telemetry?: TelemetryConfig;
  /** Where shared state lives: `memory` (one process) or Redis (a fleet; docs/fleet.md). @default 'memory' */
  store?: 'memory' | { redis: RedisStoreConfig };
}

export interface RedisStoreConfig {
  /** `redis://[user:password@]host:port[/db]`; `rediss://` for TLS. */
  url: string;
  /** Put before every key. @default 'breakwater:' */
  keyPrefix?: string;
  /** Gateways in the fleet. @default learned from their heartbeats in Redis */
  fleetSize?: number;
  /** A command not answered in this time fails, and the store is treated as down. @default 250 */
  timeoutMs?: number;
}

export interface ResolvedProvider {
  name: string;
  dialect: DialectName;
  baseUrl: string;
  apiKey: ApiKeySource | undefined;
  headers: Readonly<Record<string, string>>;
  /** The breaker options of each of its targets: the global ones with the provider's own over them. */
  breaker: Readonly<Required<BreakerPolicyConfig>>;
}

export interface ResolvedTarget {
  /** `provider/model`. */
  id: string;
  provider: ResolvedProvider;
  model: string;
}

export interface ResolvedPolicy {
  retry: Readonly<Required<RetryPolicyConfig>>;
  timeouts: Readonly<Required<TimeoutPolicyConfig>>;
  /** The global breaker options; a target's own are its provider's `breaker`. */
  breaker: Readonly<Required<BreakerPolicyConfig>>;
  cache: Readonly<Required<CachePolicyConfig>>;
  hedge: Readonly<Required<HedgePolicyConfig>>;
}

export type ContextOverflow = 'reject' | 'fallback' | 'slide' | 'summarize';

export interface ResolvedRoute {
  name: string;
  tiers: readonly (readonly ResolvedTarget[])[];
  contextFallback: ResolvedTarget | undefined;
  onContextOverflow: ContextOverflow;
  summaryRoute: string;
  staticMessage: string | undefined;
  onRefusal: 'answer' | 'fallback';
  coalesce: boolean;
  policy: ResolvedPolicy;
}

export interface ResolvedConfig {
  providers: ReadonlyMap<string, ResolvedProvider>;
  routes: ReadonlyMap<string, ResolvedRoute>;
  policy: ResolvedPolicy;
  cacheMaxBytes: number;
  idempotency: Readonly<Required<IdempotencyConfig>>;
  limits: ResolvedLimits;
  budgets: BudgetOptions | undefined;
  catalog: Readonly<Record<string, ModelInfoOverride>>;
  telemetry: ResolvedTelemetry;
  store: ResolvedStore;
}
