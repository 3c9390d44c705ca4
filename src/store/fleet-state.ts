/**
 * The part of a store a fleet enforces together: rate-limit buckets, budget counters, breaker
 * hints — and how healthy the store is and how many gateways share it, which together say what
 * share of each limit a gateway may use on its own while the store is down.
 */
import type { BreakerHints } from './breaker-hints.ts';
import type { BucketStore } from './bucket-store.ts';
import type { BudgetStore } from './budget-store.ts';
import type { StoreHealth } from './store-health.ts';

export interface FleetState {
  readonly health: StoreHealth;
  readonly buckets: BucketStore;
  readonly budgets: BudgetStore;
  readonly breakers: BreakerHints;
  /**
   * Gateways sharing the store: the configured `fleetSize`, else those that registered recently
   * (the last count seen while the store is down), else 2 — never 1 for a fleet.
   */
  fleetSize(): number;
  /** This gateway's id in the fleet (random, per process). */
  readonly member: string;
}
