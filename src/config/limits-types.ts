/**
 * The shapes of the config's `limits` and `budgets` sections, which the limiter and the budget
 * guard take as their options. They live here, below both, so the config can describe and check
 * them without importing the components that enforce them; each component re-exports what it
 * takes. Every duration is in milliseconds; per-minute limits are the providers' own unit.
 */
import type { Prices } from '../tokens/model-catalog.ts';

/** How the provider charges output (see `LimitRule.outputCharge`). */
export type OutputCharge = 'reserved' | 'actual';

/** One target's (or family's) limits, per minute, as the provider enforces them. */
export interface LimitRule {
  /** Requests per minute. */
  rpm?: number;
  /** Tokens per minute, prompt plus output (OpenAI's TPM; Anthropic's combined limit). */
  tpm?: number;
  /** Input tokens per minute (Anthropic's ITPM). */
  itpm?: number;
  /** Output tokens per minute (Anthropic's OTPM). */
  otpm?: number;
  /** Most calls in flight at once. @default no limit */
  maxConcurrent?: number;
  /**
   * `key`: every upstream key gets its own buckets (keys of different organizations or
   * projects, each with the provider's full limit). `target`: one set of buckets whatever key is
   * used (keys of one project share its limit). @default 'key'
   */
  per?: 'key' | 'target';
  /**
   * One set of buckets for every target the pattern matches, as Anthropic pools a model
   * family (all Opus 4.x share one limit). @default false
   */
  shared?: boolean;
  /**
   * How the provider charges output: `reserved` keeps the whole max_tokens (OpenAI's TPM),
   * `actual` counts the tokens generated (Anthropic's OTPM). @default by dialect
   */
  outputCharge?: OutputCharge;
}

export interface QueueOptions {
  /** Most requests waiting per limit scope, all priorities together. @default 256 */
  maxDepth?: number;
  /** Longest wait in the queue, whatever the deadline leaves. @default 60000 */
  maxWaitMs?: number;
  /**
   * Time kept for the call itself: a wait must end this long before the deadline, or the
   * request fails fast (`rate_limited`) while a fallback tier still has time. @default 1000
   */
  callHeadroomMs?: number;
}

export interface AdaptiveOptions {
  /** `false` keeps the factor at 1. @default true */
  enabled?: boolean;
  /** Multiplier applied on a 429 or a Slow Down, 0–1. @default 0.7 */
  decrease?: number;
  /** Added per clean answer. @default 0.02 */
  increase?: number;
  /** The factor never goes below this. @default 0.1 */
  minFactor?: number;
  /** At most one decrease per this many milliseconds. @default 1000 */
  cooldownMs?: number;
  /** No increase for this long after a Slow Down. @default 900000 (15 min) */
  slowDownHoldMs?: number;
}

/** The limiter's settings a config file can give (clock, store and state are the caller's). */
export interface LimiterSettings {
  /** Limits by target pattern: `provider/model`, `provider/prefix*`, `provider/*`, `*`. */
  targets?: Readonly<Record<string, LimitRule>>;
  queue?: QueueOptions;
  adaptive?: AdaptiveOptions;
  /** Create buckets from the providers' rate-limit headers where no rule sets a limit. @default true */
  learnFromHeaders?: boolean;
  /** Output reserved for a request that sets no max_tokens. @default 1024 */
  assumedOutputTokens?: number;
  /** An unsettled lease is expired this long after its deadline. @default 600000 */
  leaseGraceMs?: number;
}

export interface MaxTokensPolicy {
  /** The most output tokens a request may ask for. @default no cap */
  maxTokens?: number;
  /** What happens above the cap. @default 'clamp' */
  overMaxTokens?: 'clamp' | 'reject';
  /**
   * The limit given to a request that names none (capped too): every Anthropic request, an
   * OpenAI one translated for an Anthropic target, and an OpenAI one on a capped route.
   * @default 4096
   */
  defaultMaxTokens?: number;
}

export interface BudgetLimit {
  /** US dollars per UTC day. */
  dailyUsd?: number;
  /** US dollars per UTC calendar month. */
  monthlyUsd?: number;
}

export interface BudgetOptions {
  /** By route name; `*` gives every route without its own entry a budget of its own. */
  routes?: Readonly<Record<string, BudgetLimit>>;
  /** By gateway client key (tenant); `*` gives every other tenant a budget of its own. */
  tenants?: Readonly<Record<string, BudgetLimit>>;
  /** All spend together. */
  total?: BudgetLimit;
  /** Shares of a budget announced when crossed. @default [0.5, 0.8, 1] */
  thresholds?: readonly number[];
  /** Prices for a model the catalog does not know. @default $15 in / $75 out per million */
  unpricedModel?: Prices;
}
