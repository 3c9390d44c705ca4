/**
 * The `budgets` and `catalog` config sections — checked by their schemas (config-schema.ts), plus
 * the "set one of" rules a schema cannot say — and the one call that turns the three sections into
 * the limiter's options.
 *
 * ```yaml
 * budgets:
 *   routes: { chat: { dailyUsd: 50, monthlyUsd: 1000 } }
 *   tenants: { '*': { dailyUsd: 5 }, team-a: { monthlyUsd: 100 } }
 *   total: { monthlyUsd: 5000 }
 *   thresholds: [0.5, 0.8, 1]
 * catalog:
 *   groq/llama-3.1-8b-instant: { inputUsdPerMTok: 0.05, outputUsdPerMTok: 0.08 }
 *   gpt-4o: { outputUsdPerMTok: 10 }
 * ```
 */
import type { ModelInfoOverride } from '../tokens/model-catalog.ts';
import type { ConfigIssue, ConfigPath } from './config-defaults.ts';
import { configIssues } from './config-issues.ts';
import { BudgetsSchema, CatalogSchema } from './config-schema.ts';
import type { ResolvedLimits } from './limits-config.ts';
import type { BudgetOptions, LimiterSettings } from './limits-types.ts';

/** A budget entry that sets neither limit, at its path: the schema cannot say "one of". */
function emptyLimits(raw: Record<string, unknown>, path: ConfigPath): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const check = (value: unknown, at: ConfigPath) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return;
    if (Object.keys(value).length === 0)
      issues.push({ path: at, message: 'set dailyUsd, monthlyUsd or both, e.g. { dailyUsd: 50 }' });
  };
  for (const group of ['routes', 'tenants'] as const) {
    const entries = raw[group];
    if (typeof entries !== 'object' || entries === null) continue;
    for (const [name, value] of Object.entries(entries)) check(value, [...path, group, name]);
  }
  check(raw.total, [...path, 'total']);
  const unpriced = raw.unpricedModel as Record<string, unknown> | undefined;
  if (
    typeof unpriced === 'object' &&
    unpriced !== null &&
    (unpriced.inputUsdPerMTok === undefined || unpriced.outputUsdPerMTok === undefined)
  ) {
    issues.push({
      path: [...path, 'unpricedModel'],
      message: 'needs at least inputUsdPerMTok and outputUsdPerMTok',
    });
  }
  return issues;
}

/** Checks the raw `budgets` subtree (absent = no budgets). */
export function parseBudgetsSection(
  raw: unknown,
  path: ConfigPath = ['budgets'],
): { value: BudgetOptions | undefined; issues: ConfigIssue[] } {
  if (raw === undefined || raw === null) return { value: undefined, issues: [] };
  const parsed = BudgetsSchema.safeParse(raw, { reportInput: true });
  const issues = parsed.success ? [] : configIssues(parsed.error.issues, path);
  if (typeof raw === 'object') issues.push(...emptyLimits(raw as Record<string, unknown>, path));
  if (!parsed.success || issues.length > 0) return { value: undefined, issues };
  const { unpricedModel: p, ...budgets } = parsed.data;
  const value: BudgetOptions = p
    ? {
        ...budgets,
        unpricedModel: {
          inputUsdPerMTok: p.inputUsdPerMTok!,
          outputUsdPerMTok: p.outputUsdPerMTok!,
          cachedInputUsdPerMTok: p.cachedInputUsdPerMTok ?? p.inputUsdPerMTok!,
          cacheWriteUsdPerMTok: p.cacheWriteUsdPerMTok ?? p.inputUsdPerMTok!,
        },
      }
    : budgets;
  return { value: Object.freeze(value), issues };
}

/** Checks the raw `catalog` subtree: overrides by `provider/model` or model name. */
export function parseCatalogSection(
  raw: unknown,
  path: ConfigPath = ['catalog'],
): { value: Readonly<Record<string, ModelInfoOverride>>; issues: ConfigIssue[] } {
  if (raw === undefined || raw === null) return { value: Object.freeze({}), issues: [] };
  const parsed = CatalogSchema.safeParse(raw, { reportInput: true });
  if (!parsed.success)
    return { value: Object.freeze({}), issues: configIssues(parsed.error.issues, path) };
  return { value: Object.freeze(parsed.data as Record<string, ModelInfoOverride>), issues: [] };
}

export interface LimitsConfig {
  limits: ResolvedLimits;
  budgets: BudgetOptions | undefined;
  catalog: Readonly<Record<string, ModelInfoOverride>>;
}

/** The limiter's options from the resolved sections (clock and state are the caller's). */
export function limiterOptionsFrom(
  config: LimitsConfig,
): LimiterSettings & Pick<LimitsConfig, 'budgets' | 'catalog'> {
  return { ...config.limits.limiter, budgets: config.budgets, catalog: config.catalog };
}
