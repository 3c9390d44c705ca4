/**
 * The limiter's options, as `createLimiter()` takes them and the config's `limits`, `budgets`
 * and `catalog` sections resolve to. Every duration is in milliseconds; per-minute limits are
 * the providers' own unit.
 */

import type { BudgetOptions } from '../budget/budget-guard.ts';
import type { Clock } from '../core/clock.ts';
import type { FleetState } from '../store/fleet-state.ts';
import type { PromptCalibration } from '../tokens/calibration.ts';
import type { ModelCatalog, ModelInfoOverride } from '../tokens/model-catalog.ts';
import type { AdaptiveOptions } from './adaptive-rate.ts';
import type { LaneState } from './limit-lane.ts';
import type { LimitStateStore } from './limit-state-store.ts';
import type { OutputCharge } from './reconcile.ts';

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

/** Everything saved by `toJSON()` and accepted back as `initialState`. */
export interface LimiterState {
  lanes: Record<string, LaneState>;
  calibration?: Record<string, number>;
  budgets?: Record<
    string,
    { windowId: string; resetsAt: number; spent: number; reserved: number; fired: number }
  >;
}

export interface LimiterOptions {
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
  /** Spend budgets; none when absent. */
  budgets?: BudgetOptions;
  /** The model catalog, or overrides of the built-in one. */
  catalog?: ModelCatalog | Readonly<Record<string, ModelInfoOverride>>;
  /** Learns each target's actual ÷ estimated prompt ratio; `false` turns it off. */
  calibration?: PromptCalibration | false;
  clock?: Clock;
  /** State saved by `toJSON()` (another process, a restart). */
  initialState?: LimiterState;
  /** Lane state read when a scope is first met and written on `save()`. */
  store?: LimitStateStore;
  /**
   * A fleet's shared state (a Redis store's `fleet`): buckets and budgets enforced together by
   * every gateway, each serving its share while the store is down. @default this process alone
   */
  fleet?: FleetState;
}

export const LIMITER_DEFAULTS = Object.freeze({
  maxDepth: 256,
  maxWaitMs: 60_000,
  callHeadroomMs: 1000,
  learnFromHeaders: true,
  assumedOutputTokens: 1024,
  leaseGraceMs: 600_000,
});
