/**
 * A client key's own allowances: its rate limits (`limits: { rpm, tpm }`, enforced per request by
 * tenant-quota.ts) and its spend budget (`budget: { dailyUsd, monthlyUsd }`, which becomes its
 * tenant's entry in the config's `budgets.tenants`). Checked by the entry's schema
 * (client-key-schema.ts), so a bad value is reported with the field named, like any config error.
 */
import type { BudgetLimit, BudgetOptions } from '../budget/budget-guard.ts';
import { ConfigError } from '../config/config-error.ts';
import type { ClientIdentity } from './client-keys.ts';

/** A client key's own rate limits; each per minute, refilled evenly (a token bucket). */
export interface ClientKeyLimits {
  /** Requests per minute. @default unlimited */
  rpm?: number;
  /** Tokens per minute: prompt estimate plus output, corrected by the usage reported. @default unlimited */
  tpm?: number;
}

/**
 * The config's budgets with each key's own `budget` as its tenant's entry. A tenant budgeted both
 * in the config (`budgets.tenants[id]`) and on its key is a `ConfigError` naming both places: one
 * of the two would be silently ignored otherwise. A key's budget replaces the `*` default for its
 * tenant, as any named entry does.
 */
export function mergeClientKeyBudgets(
  budgets: BudgetOptions | undefined,
  identities: readonly ClientIdentity[],
): BudgetOptions | undefined {
  const own = identities.filter((identity) => identity.budget !== undefined);
  if (own.length === 0) return budgets;
  const tenants: Record<string, BudgetLimit> = { ...budgets?.tenants };
  const clashes = own.filter((identity) => Object.hasOwn(tenants, identity.id));
  if (clashes.length > 0) {
    throw new ConfigError(
      clashes.map((identity) => ({
        path: ['budgets', 'tenants', identity.id],
        message: `client key "${identity.id}" carries its own \`budget\` too; set this tenant's budget in one place only (the config or the key)`,
      })),
    );
  }
  for (const identity of own) tenants[identity.id] = identity.budget!;
  return Object.freeze({ ...budgets, tenants: Object.freeze(tenants) });
}
