/**
 * Spend counters a fleet shares: per budget (route, tenant or total, per UTC day or month) the
 * dollars spent and the dollars reserved by calls in flight, changed only by atomic scripts so
 * that concurrent calls on different gateways cannot overshoot together. Each reservation is a
 * hold with its own expiry, so a gateway that dies holding one cannot keep the money reserved for
 * good. The budget rules (what applies, what a call may cost) stay with the caller.
 */

export interface BudgetCounter {
  /** The budget, e.g. `route|chat|day`. */
  readonly key: string;
  /** The window, e.g. `2026-01-31`: spend under another window is another counter. */
  readonly windowId: string;
  /** How long the counter is kept after its last change, in ms (past the window's end). */
  readonly ttlMs: number;
}

export interface LimitedCounter extends BudgetCounter {
  /** US dollars the window allows. */
  readonly limitUsd: number;
}

export interface CounterLevel {
  spentUsd: number;
  reservedUsd: number;
}

export type BudgetReservation =
  | { ok: true; levels: CounterLevel[] }
  /** `index`: the first counter that would go over; `levels` as read, nothing reserved. */
  | { ok: false; index: number; levels: CounterLevel[] };

export interface SettledCounter extends BudgetCounter {
  /** Dollar thresholds (share × limit), ascending: the ones crossed by this spend are returned. */
  readonly thresholdsUsd: readonly number[];
}

export interface CounterSettlement {
  spentUsd: number;
  /** Indexes into `thresholdsUsd` crossed by this call, fleet-wide exactly once each. */
  crossed: number[];
}

export interface BudgetStore {
  /**
   * Reserves `amountUsd` under `holdId` on every counter if each stays within its limit
   * (spent + reserved + amount); nothing otherwise. The hold lapses after `holdTtlMs`.
   */
  reserve(
    counters: readonly LimitedCounter[],
    holdId: string,
    amountUsd: number,
    holdTtlMs: number,
    now: number,
  ): Promise<BudgetReservation>;
  /** Ends hold `holdId` (if still there) and adds `spentUsd` to every counter. */
  settle(
    counters: readonly SettledCounter[],
    holdId: string | undefined,
    spentUsd: number,
    now: number,
  ): Promise<CounterSettlement[]>;
  /** Ends hold `holdId` unspent. */
  release(counters: readonly BudgetCounter[], holdId: string): Promise<void>;
}
