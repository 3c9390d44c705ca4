/**
 * The limiter's options, as `createLimiter()` takes them and the config's `limits`, `budgets`
 * and `catalog` sections resolve to. Every duration is in milliseconds; per-minute limits are
 * the providers' own unit.
 */
import type { BudgetOptions, LimiterSettings } from '../config/limits-types.ts';
import type { Clock } from '../core/clock.ts';
import type { FleetState } from '../store/fleet-state.ts';
import type { PromptCalibration } from '../tokens/calibration.ts';
import type { ModelCatalog, ModelInfoOverride } from '../tokens/model-catalog.ts';
import type { LaneState } from './limit-lane.ts';
import type { LimitStateStore } from './limit-state-store.ts';

export type { LimitRule, QueueOptions } from '../config/limits-types.ts';

/** Everything saved by `toJSON()` and accepted back as `initialState`. */
export interface LimiterState {
  lanes: Record<string, LaneState>;
  calibration?: Record<string, number>;
  budgets?: Record<
    string,
    { windowId: string; resetsAt: number; spent: number; reserved: number; fired: number }
  >;
}

export interface LimiterOptions extends LimiterSettings {
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
