/**
 * Spend budgets, enforced at the one admission point every entry path goes through: per route,
 * per gateway client key (tenant) and in total, each per UTC day and/or month.
 *
 * Before a call is sent its worst-case cost is reserved against every budget that applies; if
 * any would go over (spent + reserved + this call), the call is stopped with `budget_exceeded`,
 * naming the budget, its window and when it resets — concurrent calls cannot overshoot together.
 * When the call ends the reservation is replaced by the actual cost (the worst case when usage
 * is unknown). Soft thresholds (50/80/100% of spent) are announced once per window. A window
 * change starts a fresh entry — spent, reservations and fired thresholds together.
 *
 * A model the catalog cannot price is charged at `unpricedModel` (by default a flagship's
 * prices) and announced once: a budget never counts an unknown model as free. A call whose
 * worst case is $0 (a model priced at zero) passes even an exhausted budget.
 */
import type { BudgetLimit, BudgetOptions } from '../config/limits-types.ts';
import type { Clock } from '../core/clock.ts';
import type { Usage } from '../dialects/usage.ts';
import { RejectedError } from '../errors/index.ts';
import type { ModelCatalog, Prices } from '../tokens/model-catalog.ts';
import type { BudgetEvent, BudgetScope, BudgetWindowKind } from './budget-events.ts';
import { windowAt } from './budget-window.ts';
import { usageCostUsd, worstCaseCostUsd } from './request-cost-usd.ts';

export type { BudgetLimit, BudgetOptions } from '../config/limits-types.ts';

export interface BudgetRequest {
  route: string;
  tenant: string | undefined;
  provider: string;
  model: string;
  promptTokens: number;
  outputTokens: number;
  /** The request set no output limit, so `outputTokens` is the model's most. */
  outputUnbounded?: boolean;
}

/** A call's reservation, handed back to `settle`. */
export interface BudgetHold {
  readonly keys: readonly { key: string; windowId: string }[];
  readonly worstUsd: number;
  readonly prices: Prices;
  readonly outputTokens: number;
  settled: boolean;
  /** The hold's id in a fleet's store; absent when it was reserved in this process. */
  readonly sharedId?: string;
}

/** What a call may cost and which budgets it is checked against. */
export interface BudgetPlan {
  prices: Prices;
  worstUsd: number;
  applicable: Applicable[];
}

interface Entry {
  windowId: string;
  resetsAt: number;
  spent: number;
  reserved: number;
  fired: number;
}

export interface Applicable {
  scope: BudgetScope;
  name: string;
  kind: BudgetWindowKind;
  limit: number;
}

const DEFAULT_UNPRICED: Prices = Object.freeze({
  inputUsdPerMTok: 15,
  cachedInputUsdPerMTok: 15,
  cacheWriteUsdPerMTok: 18.75,
  outputUsdPerMTok: 75,
});
const EPSILON = 1e-12;

export class BudgetGuard {
  readonly #o: BudgetOptions;
  readonly #thresholds: readonly number[];
  readonly #catalog: ModelCatalog;
  readonly #clock: Clock;
  readonly #emit: (event: BudgetEvent) => void;
  readonly #entries = new Map<string, Entry>();
  readonly #unpriced = new Set<string>();

  constructor(
    options: BudgetOptions,
    catalog: ModelCatalog,
    clock: Clock,
    emit: (event: BudgetEvent) => void,
  ) {
    this.#o = options;
    this.#thresholds = [...(options.thresholds ?? [0.5, 0.8, 1])].sort((a, b) => a - b);
    this.#catalog = catalog;
    this.#clock = clock;
    this.#emit = emit;
  }

  /** The call's worst-case cost and the budgets that apply to it. */
  plan(request: BudgetRequest): BudgetPlan {
    const prices = this.#prices(request.provider, request.model);
    const worstUsd = worstCaseCostUsd(request.promptTokens, request.outputTokens, prices);
    return { prices, worstUsd, applicable: this.#applicable(request.route, request.tenant) };
  }

  /**
   * Reserves `request`'s worst case on every budget that applies, or throws `budget_exceeded`.
   * `limitOf` replaces each budget's limit (a fleet's gateway checks its share of what is left).
   */
  reserve(
    request: BudgetRequest,
    plan: BudgetPlan = this.plan(request),
    limitOf?: (a: Applicable, windowId: string) => number,
  ): BudgetHold {
    const { prices, worstUsd, applicable } = plan;
    const now = this.#clock.now();
    const entries = applicable.map((a) => ({ a, key: keyOf(a), entry: this.#entry(a, now) }));
    for (const { a, entry } of entries) {
      const limit = limitOf ? limitOf(a, entry.windowId) : a.limit;
      if (worstUsd <= 0 || entry.spent + entry.reserved + worstUsd <= limit + EPSILON) continue;
      throw this.refusal(
        a,
        entry.spent,
        entry.reserved,
        worstUsd,
        now,
        request,
        limitOf !== undefined,
      );
    }
    for (const { entry } of entries) entry.reserved += worstUsd;
    return {
      keys: entries.map(({ key, entry }) => ({ key, windowId: entry.windowId })),
      worstUsd,
      prices,
      outputTokens: request.outputTokens,
      settled: false,
    };
  }

  /**
   * Replaces the reservation by the actual cost: from `usage` when the provider reported it
   * (with the output at its worst case when the call failed part-way), else the worst case.
   * Returns the dollars charged.
   */
  settle(hold: BudgetHold, usage: Usage | undefined, complete: boolean, quiet = false): number {
    if (hold.settled) return 0;
    hold.settled = true;
    const usd = this.costOf(hold, usage, complete);
    const now = this.#clock.now();
    for (const { key, windowId } of hold.keys) {
      const entry = this.#entries.get(key);
      if (!entry) continue;
      if (entry.windowId === windowId) entry.reserved = Math.max(0, entry.reserved - hold.worstUsd);
      const current = this.#refresh(key, entry, now);
      current.spent += usd;
      if (!quiet) this.#announce(key, current);
    }
    return usd;
  }

  /** The actual cost of a held call: from `usage` (output at its worst when cut), else the worst case. */
  costOf(hold: BudgetHold, usage: Usage | undefined, complete: boolean): number {
    if (!usage) return hold.worstUsd;
    const output = complete ? usage.outputTokens : Math.max(usage.outputTokens, hold.outputTokens);
    return usageCostUsd({ ...usage, outputTokens: output }, hold.prices);
  }

  /** Records `usd` spent on budget `key` (`route|chat|day`) in its current window. */
  recordSpend(key: string, usd: number): void {
    const now = this.#clock.now();
    const a = parseKey(key);
    this.#entry({ ...a, limit: 0 }, now).spent += usd;
  }

  /** Gives a reservation back unspent: the call was never sent, or the provider refused it. */
  release(hold: BudgetHold): void {
    if (hold.settled) return;
    hold.settled = true;
    for (const { key, windowId } of hold.keys) {
      const entry = this.#entries.get(key);
      if (entry?.windowId === windowId)
        entry.reserved = Math.max(0, entry.reserved - hold.worstUsd);
    }
  }

  /** Takes spend recorded here off the books (a fleet's gateway handed it to the store). */
  forget(key: string, windowId: string, usd: number): void {
    const entry = this.#entries.get(key);
    if (entry?.windowId === windowId) entry.spent = Math.max(0, entry.spent - usd);
  }

  /** Spend recorded here, per budget and window (for a fleet's gateway to hand to the store). */
  *recorded(): IterableIterator<{
    key: string;
    windowId: string;
    resetsAt: number;
    spent: number;
  }> {
    for (const [key, e] of this.#entries) {
      if (e.spent > 0) yield { key, windowId: e.windowId, resetsAt: e.resetsAt, spent: e.spent };
    }
  }

  /** The limit of budget `key` (`route|chat|day`), or `undefined`. */
  limitOf(key: string): number | undefined {
    return this.#limitOf(parseKey(key));
  }

  /** The configured thresholds as dollars of budget `key`'s limit, ascending. */
  thresholdsUsd(key: string): number[] {
    const limit = this.limitOf(key);
    return limit === undefined || limit <= 0 ? [] : this.#thresholds.map((t) => t * limit);
  }

  /** Announces threshold `index` of budget `key` crossed (a fleet's store counted it). */
  crossed(key: string, index: number, spentUsd: number, resetsAt: number): void {
    const a = parseKey(key);
    const limit = this.limitOf(key);
    const threshold = this.#thresholds[index];
    if (limit === undefined || threshold === undefined) return;
    this.#emit({
      type: 'budget_threshold',
      scope: a.scope,
      name: a.name,
      window: a.kind,
      threshold,
      spentUsd,
      limitUsd: limit,
      resetsAt,
    });
  }

  /** Spend per budget in its current window, for status pages and tests. */
  report(): Record<string, { spentUsd: number; reservedUsd: number; window: string }> {
    const out: Record<string, { spentUsd: number; reservedUsd: number; window: string }> = {};
    for (const [key, e] of this.#entries) {
      out[key] = { spentUsd: e.spent, reservedUsd: e.reserved, window: e.windowId };
    }
    return out;
  }

  toJSON(): Record<string, Entry> {
    return Object.fromEntries([...this.#entries].map(([k, e]) => [k, { ...e }]));
  }

  restore(state: Readonly<Record<string, Entry>>): void {
    for (const [key, e] of Object.entries(state)) this.#entries.set(key, { ...e, reserved: 0 });
  }

  #prices(provider: string, model: string): Prices {
    const info = this.#catalog.get(model, provider);
    if (info) return info;
    const target = `${provider}/${model}`;
    if (!this.#unpriced.has(target) && this.#unpriced.size < 1024) {
      this.#unpriced.add(target);
      this.#emit({ type: 'unpriced_model', target });
    }
    return this.#o.unpricedModel ?? DEFAULT_UNPRICED;
  }

  #applicable(route: string, tenant: string | undefined): Applicable[] {
    const out: Applicable[] = [];
    const add = (scope: BudgetScope, name: string, limit: BudgetLimit | undefined) => {
      if (limit?.dailyUsd !== undefined)
        out.push({ scope, name, kind: 'day', limit: limit.dailyUsd });
      if (limit?.monthlyUsd !== undefined)
        out.push({ scope, name, kind: 'month', limit: limit.monthlyUsd });
    };
    add('route', route, this.#o.routes?.[route] ?? this.#o.routes?.['*']);
    if (tenant !== undefined)
      add('tenant', tenant, this.#o.tenants?.[tenant] ?? this.#o.tenants?.['*']);
    add('total', '*', this.#o.total);
    return out;
  }

  #entry(a: Applicable, now: number): Entry {
    const key = keyOf(a);
    const existing = this.#entries.get(key);
    if (existing) return this.#refresh(key, existing, now);
    const w = windowAt(a.kind, now);
    const entry: Entry = { windowId: w.id, resetsAt: w.resetsAt, spent: 0, reserved: 0, fired: 0 };
    this.#entries.set(key, entry);
    return entry;
  }

  /** The entry for the current window: the same one, or a fresh one once the window changed. */
  #refresh(key: string, entry: Entry, now: number): Entry {
    if (now < entry.resetsAt) return entry;
    const kind = key.endsWith('|month') ? 'month' : 'day';
    const w = windowAt(kind, now);
    const fresh: Entry = { windowId: w.id, resetsAt: w.resetsAt, spent: 0, reserved: 0, fired: 0 };
    this.#entries.set(key, fresh);
    return fresh;
  }

  #announce(key: string, entry: Entry): void {
    const a = parseKey(key);
    const limit = this.#limitOf(a);
    if (limit === undefined || limit <= 0) return;
    while (entry.fired < this.#thresholds.length) {
      const threshold = this.#thresholds[entry.fired]!;
      if (entry.spent + EPSILON < threshold * limit) break;
      entry.fired++;
      this.#emit({
        type: 'budget_threshold',
        scope: a.scope,
        name: a.name,
        window: a.kind,
        threshold,
        spentUsd: entry.spent,
        limitUsd: limit,
        resetsAt: entry.resetsAt,
      });
    }
  }

  #limitOf(a: Omit<Applicable, 'limit'>): number | undefined {
    const table =
      a.scope === 'route' ? this.#o.routes : a.scope === 'tenant' ? this.#o.tenants : undefined;
    const limit = a.scope === 'total' ? this.#o.total : (table?.[a.name] ?? table?.['*']);
    return a.kind === 'day' ? limit?.dailyUsd : limit?.monthlyUsd;
  }

  /**
   * The `budget_exceeded` error for budget `a` (announced as an event too). `share`: the check
   * was against this gateway's share while a fleet's store is down.
   */
  refusal(
    a: Applicable,
    spent: number,
    reserved: number,
    worstUsd: number,
    now: number,
    request: BudgetRequest,
    share = false,
  ): RejectedError {
    const resetsAt = windowAt(a.kind, now).resetsAt;
    this.#emit({
      type: 'budget_exceeded',
      scope: a.scope,
      name: a.name,
      window: a.kind,
      limitUsd: a.limit,
      spentUsd: spent,
      reservedUsd: reserved,
      requestUsd: worstUsd,
      resetsAt,
    });
    const who = a.scope === 'total' ? 'the total' : `${a.scope} "${a.name}"`;
    const period = a.kind === 'day' ? 'daily' : 'monthly';
    const unbounded = request.outputUnbounded
      ? ` (it sets no max_tokens, so the hold counts the model's most output, ${request.outputTokens} tokens; setting max_tokens lowers it)`
      : '';
    const where = share
      ? " (this gateway's share of what is left, while the fleet's store is unreachable)"
      : '';
    return new RejectedError(
      'budget_exceeded',
      `budget exceeded: ${who} ${period} budget of ${usd(a.limit)} has ${usd(spent)} spent and ${usd(reserved)} reserved${where}; this call may cost up to ${usd(worstUsd)}${unbounded}. It resets at ${new Date(resetsAt).toISOString()}`,
      { retryAfterMs: Math.max(0, resetsAt - now) },
    );
  }
}

export function keyOf(a: Omit<Applicable, 'limit'>): string {
  return `${a.scope}|${a.name}|${a.kind}`;
}

function parseKey(key: string): Omit<Applicable, 'limit'> {
  const first = key.indexOf('|');
  const last = key.lastIndexOf('|');
  return {
    scope: key.slice(0, first) as BudgetScope,
    name: key.slice(first + 1, last),
    kind: key.slice(last + 1) as BudgetWindowKind,
  };
}

function usd(n: number): string {
  return n >= 0.01 || n === 0 ? `$${n.toFixed(2)}` : `$${n.toPrecision(2)}`;
}
