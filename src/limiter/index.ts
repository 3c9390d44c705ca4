/** The rate limiter and spend admission: `createLimiter()`, its options, events and stats. */
export { createLimiter, type Limiter } from './limiter.ts';
export type { LimiterEvent } from './limiter-events.ts';
export type { LimiterOptions, QueueOptions } from './limiter-options.ts';
export type { LaneStats, LimiterStats } from './limiter-stats.ts';
