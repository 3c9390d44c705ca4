/**
 * Where limiter state lives between processes and restarts: one serialised `LaneState` per limit
 * scope (bucket levels, learned limits, the adaptive factor, a Retry-After block). The limiter
 * reads a scope's state when it first meets the scope and writes every scope on `save()`; the
 * host decides when (on an interval, at shutdown). A Redis implementation keeps the same shape
 * under hash-tagged keys; for a fleet enforcing one limit together it will also need atomic
 * take/charge scripts, which this snapshot seam does not provide (docs/limits.md, "Scale").
 */
import type { LaneState } from './limit-lane.ts';

export interface LimitStateStore {
  load(scope: string): LaneState | undefined;
  save(scope: string, state: LaneState): void;
}
