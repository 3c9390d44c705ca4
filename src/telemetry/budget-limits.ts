/**
 * Spend against budget, for the budget gauges and the status page: the limiter reports spend by
 * key (`scope|name|window`, e.g. `tenant|acme|day`); the limit behind each comes from the
 * configured budgets (a `*` entry standing for every route or tenant without its own).
 */
import type { BudgetOptions } from '../budget/budget-guard.ts';

export interface BudgetUse {
  scope: string;
  name: string;
  window: string;
  spentUsd: number;
  reservedUsd: number;
  limitUsd: number;
  /** spent / limit: 1 means exhausted. */
  usedRatio: number;
}

/** The configured limit behind a budget report key's parts, in US dollars. */
export function budgetLimitOf(
  budgets: BudgetOptions | undefined,
  scope: string,
  name: string,
  window: string,
): number | undefined {
  if (!budgets) return undefined;
  const entry =
    scope === 'total'
      ? budgets.total
      : scope === 'route'
        ? (budgets.routes?.[name] ?? budgets.routes?.['*'])
        : scope === 'tenant'
          ? (budgets.tenants?.[name] ?? budgets.tenants?.['*'])
          : undefined;
  return window === 'day' ? entry?.dailyUsd : window === 'month' ? entry?.monthlyUsd : undefined;
}

/** Each reported budget with its limit and the share of it spent. */
export function budgetUses(
  report: Readonly<Record<string, { spentUsd: number; reservedUsd: number }>>,
  budgets: BudgetOptions | undefined,
): BudgetUse[] {
  const uses: BudgetUse[] = [];
  for (const [key, entry] of Object.entries(report)) {
    const [scope = '', name = '', window = ''] = key.split('|');
    const limitUsd = budgetLimitOf(budgets, scope, name, window);
    if (limitUsd === undefined) continue;
    uses.push({
      scope,
      name,
      window,
      spentUsd: entry.spentUsd,
      reservedUsd: entry.reservedUsd,
      limitUsd,
      usedRatio: limitUsd > 0 ? entry.spentUsd / limitUsd : 0,
    });
  }
  return uses;
}
