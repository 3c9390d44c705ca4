/**
 * Breaker hints a fleet shares: when one gateway's breaker opens on a target, every gateway's
 * does (published at once, kept with a TTL until the open period ends, read back by a gateway
 * that connects later); when the half-open probe succeeds, every gateway's closes; and the probe
 * itself is claimed through the store, so one gateway of the fleet sends it, not one per
 * gateway. What a breaker does with a hint is the engine's (src/engine/fleet-breakers.ts).
 */
import type { Event } from '../core/events.ts';

export interface BreakerHint {
  /** `provider/model`. */
  target: string;
  state: 'open' | 'closed';
  /** While open: until when (epoch ms). */
  openUntil?: number;
  /** The open period it was opened for. */
  openMs: number;
  /** The gateway that saw it (its `FleetState.member`). */
  from: string;
}

export interface BreakerHints {
  /** Tells the fleet (kept while open, with a TTL; a `closed` hint removes it). */
  publish(hint: BreakerHint): Promise<void>;
  /** Hints other gateways published, and the live ones found on (re)connecting. */
  readonly onHint: Event<BreakerHint>;
  /** Claims the fleet's half-open probe of `target` for `ttlMs`: `true` for one gateway only. */
  claimProbe(target: string, ttlMs: number): Promise<boolean>;
}
