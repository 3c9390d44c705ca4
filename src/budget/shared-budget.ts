/**
 * Budgets a fleet enforces together: the same rules as `BudgetGuard` (which decides what applies
 * and what a call may cost), with the spend kept in the fleet's store. A call's worst case is
 * reserved on every budget that applies in one atomic round trip, so gateways cannot overshoot
 * together: a budget spent across the fleet stops at the budget, not at N times it. Thresholds
 * are announced by the gateway whose spend crossed them, once for the fleet.
 *
 * While the store is down each gateway checks its calls against its share of what was left when
 * it last heard from the store (`(limit − spent − reserved) / fleet size`) and records its spend
 * locally; when the store is back that spend is added to the store once, and holds that ended
 * meanwhile are released there.
 */
import type { Clock } from '../core/clock.ts';
import type { Usage } from '../dialects/usage.ts';
import type { BudgetCounter, CounterLevel, SettledCounter } from '../store/budget-store.ts';
import type { FleetState } from '../store/fleet-state.ts';
import {
  type Applicable,
  type BudgetGuard,
  type BudgetHold,
  type BudgetRequest,
  keyOf,
} from './budget-guard.ts';
import { windowAt } from './budget-window.ts';

/** A hold in the store lapses after this unless settled: longer than any deadline plus grace. */
const HOLD_TTL_MS = 15 * 60_000;
/** Counters are kept this long past their window's end, for reports. */
const KEEP_MS = 86_400_000;

interface Seen extends CounterLevel {
  key: string;
  windowId: string;
}

export class SharedBudget {
  readonly #guard: BudgetGuard;
  readonly #fleet: FleetState;
  readonly #clock: Clock;
  /** The levels the store last answered, by `key@window`. */
  readonly #seen = new Map<string, Seen>();
  /** Holds in the store that ended while it was down: released there on rejoining. */
  #orphans: { counters: BudgetCounter[]; id: string }[] = [];
  #seq = 0;
  /** Spend recorded or holds ended here that the store has not been told of. */
  #owed = false;
  #handing: Promise<void> | undefined;

  constructor(guard: BudgetGuard, fleet: FleetState, clock: Clock) {
    this.#guard = guard;
    this.#fleet = fleet;
    this.#clock = clock;
  }

  /** Reserves the call's worst case on every budget that applies, or throws `budget_exceeded`. */
  async reserve(request: BudgetRequest): Promise<BudgetHold> {
    const guard = this.#guard;
    const plan = guard.plan(request);
    if (plan.applicable.length === 0) return guard.reserve(request, plan);
    await this.#rejoin();
    const now = this.#clock.now();
    if (!this.#fleet.health.degraded) {
      const counters = plan.applicable.map((a) => ({
        ...this.#counter(keyOf(a), a.kind, now),
        limitUsd: a.limit,
      }));
      const id = `${this.#fleet.member}.${(this.#seq++).toString(36)}`;
      const reply = await this.#fleet.budgets
        .reserve(counters, id, plan.worstUsd, HOLD_TTL_MS, now)
        .catch(() => undefined);
      if (reply) {
        for (const [i, c] of counters.entries()) this.#see(c, reply.levels[i]!);
        if (!reply.ok) {
          const level = reply.levels[reply.index]!;
          const a = plan.applicable[reply.index]!;
          throw guard.refusal(a, level.spentUsd, level.reservedUsd, plan.worstUsd, now, request);
        }
        return {
          keys: counters.map((c) => ({ key: c.key, windowId: c.windowId })),
          worstUsd: plan.worstUsd,
          prices: plan.prices,
          outputTokens: request.outputTokens,
          settled: false,
          sharedId: id,
        };
      }
    }
    return guard.reserve(request, plan, (a, windowId) => this.#shareOf(a, windowId));
  }

  /** Replaces the reservation by the actual cost (see `BudgetGuard.settle`); returns it. */
  settle(hold: BudgetHold, usage: Usage | undefined, complete: boolean): number {
    const guard = this.#guard;
    if (hold.sharedId === undefined) {
      // Reserved on the local share: its spend is handed to the store once it answers.
      const usd = guard.settle(hold, usage, complete, true);
      this.#owed = true;
      void this.#rejoin();
      return usd;
    }
    if (hold.settled) return 0;
    hold.settled = true;
    const usd = guard.costOf(hold, usage, complete);
    const id = hold.sharedId;
    const now = this.#clock.now();
    const counters = hold.keys.map(({ key }) => this.#settled(key, now));
    const windowed = counters.every((c, i) => c.windowId === hold.keys[i]!.windowId);
    const local = () => {
      for (const { key } of hold.keys) guard.recordSpend(key, usd);
      this.#orphan(this.#holdCounters(hold), id);
    };
    if (this.#fleet.health.degraded) {
      local();
      return usd;
    }
    // A window that turned while the call ran: the hold ends in the old one, the spend counts
    // in the new one.
    if (!windowed) {
      this.#fleet.budgets.release(this.#holdCounters(hold), id).catch(() => {});
    }
    this.#fleet.budgets
      .settle(counters, windowed ? id : undefined, usd, now)
      .then((results) => this.#announce(counters, results), local);
    return usd;
  }

  /** Gives a reservation back unspent. */
  release(hold: BudgetHold): void {
    if (hold.sharedId === undefined) {
      this.#guard.release(hold);
      return;
    }
    if (hold.settled) return;
    hold.settled = true;
    const id = hold.sharedId;
    const counters = this.#holdCounters(hold);
    if (this.#fleet.health.degraded) {
      this.#orphan(counters, id);
      return;
    }
    this.#fleet.budgets.release(counters, id).catch(() => this.#orphan(counters, id));
  }

  #orphan(counters: BudgetCounter[], id: string): void {
    this.#orphans.push({ counters, id });
    this.#owed = true;
  }

  /** Spend per budget: as the store last answered, plus what is recorded here and not yet handed over. */
  report(): Record<string, { spentUsd: number; reservedUsd: number; window: string }> {
    const out: Record<string, { spentUsd: number; reservedUsd: number; window: string }> = {};
    for (const s of this.#seen.values()) {
      out[s.key] = { spentUsd: s.spentUsd, reservedUsd: s.reservedUsd, window: s.windowId };
    }
    for (const r of this.#guard.recorded()) {
      const entry = out[r.key];
      if (entry?.window === r.windowId) entry.spentUsd += r.spent;
      else out[r.key] = { spentUsd: r.spent, reservedUsd: 0, window: r.windowId };
    }
    return out;
  }

  /** A gateway's share of budget `a`: what was left when the store last answered, split evenly. */
  #shareOf(a: Applicable, windowId: string): number {
    const seen = this.#seen.get(`${keyOf(a)}@${windowId}`);
    const used = seen ? seen.spentUsd + seen.reservedUsd : 0;
    return Math.max(0, a.limit - used) / Math.max(1, this.#fleet.fleetSize());
  }

  #counter(key: string, kind: 'day' | 'month', now: number): BudgetCounter {
    const w = windowAt(kind, now);
    return { key, windowId: w.id, ttlMs: w.resetsAt - now + KEEP_MS };
  }

  #settled(key: string, now: number): SettledCounter & { resetsAt: number } {
    const kind = key.endsWith('|month') ? 'month' : 'day';
    return {
      ...this.#counter(key, kind, now),
      resetsAt: windowAt(kind, now).resetsAt,
      thresholdsUsd: this.#guard.thresholdsUsd(key),
    };
  }

  #holdCounters(hold: BudgetHold): BudgetCounter[] {
    return hold.keys.map(({ key, windowId }) => ({ key, windowId, ttlMs: KEEP_MS }));
  }

  #see(c: BudgetCounter, level: CounterLevel): void {
    this.#seen.set(`${c.key}@${c.windowId}`, { key: c.key, windowId: c.windowId, ...level });
  }

  #announce(
    counters: readonly (SettledCounter & { resetsAt: number })[],
    results: readonly { spentUsd: number; crossed: number[] }[],
  ): void {
    counters.forEach((c, i) => {
      const result = results[i]!;
      const seen = this.#seen.get(`${c.key}@${c.windowId}`);
      this.#see(c, { spentUsd: result.spentUsd, reservedUsd: seen?.reservedUsd ?? 0 });
      for (const t of result.crossed) this.#guard.crossed(c.key, t, result.spentUsd, c.resetsAt);
    });
  }

  /** Hands spend recorded here and holds ended here to the store, once it answers again. */
  #rejoin(): Promise<void> | undefined {
    if (!this.#owed || this.#fleet.health.degraded) return undefined;
    this.#handing ??= this.#handOver().finally(() => {
      this.#handing = undefined;
    });
    return this.#handing;
  }

  async #handOver(): Promise<void> {
    this.#owed = false;
    const now = this.#clock.now();
    for (const r of [...this.#guard.recorded()]) {
      const counter = {
        key: r.key,
        windowId: r.windowId,
        ttlMs: r.resetsAt - now + KEEP_MS,
        thresholdsUsd: this.#guard.thresholdsUsd(r.key),
        resetsAt: r.resetsAt,
      };
      try {
        const results = await this.#fleet.budgets.settle([counter], undefined, r.spent, now);
        this.#guard.forget(r.key, r.windowId, r.spent);
        this.#announce([counter], results);
      } catch {
        this.#owed = true;
        return;
      }
    }
    const orphans = this.#orphans;
    this.#orphans = [];
    for (const [i, o] of orphans.entries()) {
      try {
        await this.#fleet.budgets.release(o.counters, o.id);
      } catch {
        this.#orphans.push(...orphans.slice(i));
        this.#owed = true;
        return;
      }
    }
  }
}
