/**
 * A snapshot of the limiter for status pages, metrics and the bench: per limit scope the
 * queue depths, calls in flight, bucket levels against their limits, the adaptive factor and
 * the counters since start; and the budgets' spend in their current windows.
 */
import type { Priority } from './admission.ts';
import type { LimitLane } from './limit-lane.ts';
import { DIMENSIONS, type Dimension } from './request-cost.ts';

export interface LaneStats {
  scope: string;
  target: string;
  /** Per-minute limits (configured or learned), before the factor. */
  limits: Partial<Record<Dimension, number>>;
  /** What each bucket holds now. */
  levels: Partial<Record<Dimension, number>>;
  /** The adaptive factor: 1 is the full limit. */
  factor: number;
  /** Until when a server's Retry-After blocks admission (epoch ms; 0: not blocked). */
  blockedUntil: number;
  inFlight: number;
  /**
   * Where the buckets are: `process` (this one alone), `shared` (the fleet's, in the store),
   * `local` (this gateway's share of them while the store is down).
   */
  store: LimitLane['store'];
  waiting: Record<Priority, number>;
  counts: LimitLane['counts'];
}

export interface LimiterStats {
  lanes: LaneStats[];
  budgets: Record<string, { spentUsd: number; reservedUsd: number; window: string }>;
}

export function laneStats(scope: string, lane: LimitLane): LaneStats {
  const limits: LaneStats['limits'] = {};
  const levels: LaneStats['levels'] = {};
  for (const dim of DIMENSIONS) {
    const limit = lane.buckets.limit(dim);
    if (limit === undefined) continue;
    limits[dim] = limit;
    levels[dim] = Math.round(lane.buckets.level(dim) * 100) / 100;
  }
  return {
    scope,
    target: lane.target,
    limits,
    levels,
    factor: lane.factor,
    blockedUntil: lane.buckets.blockedUntil,
    inFlight: lane.inFlight,
    store: lane.store,
    waiting: lane.depths(),
    counts: { ...lane.counts },
  };
}
