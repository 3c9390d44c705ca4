/** The rate limiter and spend admission: `createLimiter()` and its parts. */
export { ADAPTIVE_DEFAULTS, type AdaptiveOptions, AdaptiveRate } from './adaptive-rate.ts';
export { type BucketsState, LimitBuckets, type Limits } from './limit-buckets.ts';
export type { LaneState } from './limit-lane.ts';
export { type LimitStateStore, MemoryLimitStateStore } from './limit-state-store.ts';
export { createLimiter, type Limiter } from './limiter.ts';
export type { LimiterEvent } from './limiter-events.ts';
export {
  LIMITER_DEFAULTS,
  type LimiterOptions,
  type LimiterState,
  type LimitRule,
  type QueueOptions,
} from './limiter-options.ts';
export type { LaneStats, LimiterStats } from './limiter-stats.ts';
export { type Cost, type Dimension, requestedMaxOutput, reserve } from './request-cost.ts';
