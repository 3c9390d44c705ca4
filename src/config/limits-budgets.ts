/**
 * The `budgets` and `catalog` config sections, and the one call that turns the three sections
 * into the limiter's options.
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
import { ConfigError } from './config-defaults.ts';
import { parseLimitsSection, type ResolvedLimits } from './limits-config.ts';
import { defined, describe, FieldIssues, mappingAt, numberAt } from './limits-fields.ts';
import type { BudgetLimit, BudgetOptions, LimiterSettings } from './limits-types.ts';

const DOLLARS = { min: 0, max: 1e9, unit: 'US dollars' };
const PRICE = { min: 0, max: 1e6, unit: 'US dollars per million tokens' };
const PRICE_KEYS = [
  'inputUsdPerMTok',
  'cachedInputUsdPerMTok',
  'cacheWriteUsdPerMTok',
  'outputUsdPerMTok',
] as const;
const MODEL_KEYS = ['contextWindow', 'maxOutputTokens', ...PRICE_KEYS];

function limitAt(issues: FieldIssues, value: unknown, path: ConfigPath): BudgetLimit | undefined {
  const given = mappingAt(issues, value, path, ['dailyUsd', 'monthlyUsd']);
  if (!given) return undefined;
  const limit = defined<BudgetLimit>({
    dailyUsd: numberAt(issues, given.dailyUsd, [...path, 'dailyUsd'], DOLLARS),
    monthlyUsd: numberAt(issues, given.monthlyUsd, [...path, 'monthlyUsd'], DOLLARS),
  });
  if (
    limit.dailyUsd === undefined &&
    limit.monthlyUsd === undefined &&
    Object.keys(given).length === 0
  ) {
    issues.add(path, 'set dailyUsd, monthlyUsd or both, e.g. { dailyUsd: 50 }');
  }
  return limit;
}

function limitsAt(issues: FieldIssues, value: unknown, path: ConfigPath) {
  const given = mappingAt(issues, value, path);
  if (!given) return undefined;
  const out: Record<string, BudgetLimit> = {};
  for (const [name, item] of Object.entries(given)) {
    const limit = limitAt(issues, item, [...path, name]);
    if (limit) out[name] = limit;
  }
  return Object.freeze(out);
}

function pricesAt(issues: FieldIssues, value: unknown, path: ConfigPath, keys: readonly string[]) {
  const given = mappingAt(issues, value, path, keys);
  if (!given) return undefined;
  const out: Record<string, number | undefined> = {};
  for (const key of PRICE_KEYS) out[key] = numberAt(issues, given[key], [...path, key], PRICE);
  for (const key of ['contextWindow', 'maxOutputTokens']) {
    if (!keys.includes(key)) continue;
    out[key] = numberAt(issues, given[key], [...path, key], {
      min: 1,
      max: 1e9,
      integer: true,
      unit: 'tokens',
    });
  }
  return defined(out);
}

/** Checks the raw `budgets` subtree (absent = no budgets). */
export function parseBudgetsSection(
  raw: unknown,
  path: ConfigPath = ['budgets'],
): { value: BudgetOptions | undefined; issues: ConfigIssue[] } {
  const issues = new FieldIssues();
  const keys = ['routes', 'tenants', 'total', 'thresholds', 'unpricedModel'];
  const given = mappingAt(issues, raw, path, keys);
  if (!given) return { value: undefined, issues: issues.list };
  let thresholds: number[] | undefined;
  if (given.thresholds !== undefined && given.thresholds !== null) {
    if (!Array.isArray(given.thresholds)) {
      issues.add(
        [...path, 'thresholds'],
        `expected a list of shares such as [0.5, 0.8, 1], got ${describe(given.thresholds)}`,
      );
    } else {
      thresholds = given.thresholds.flatMap((t, i) => {
        const n = numberAt(issues, t, [...path, 'thresholds', i], {
          min: 0,
          max: 10,
          exclusiveMin: true,
        });
        return n === undefined ? [] : [n];
      });
    }
  }
  const unpriced = pricesAt(issues, given.unpricedModel, [...path, 'unpricedModel'], PRICE_KEYS);
  const value = defined<BudgetOptions>({
    routes: limitsAt(issues, given.routes, [...path, 'routes']),
    tenants: limitsAt(issues, given.tenants, [...path, 'tenants']),
    total: limitAt(issues, given.total, [...path, 'total']),
    thresholds,
    unpricedModel: unpriced && fullPrices(issues, unpriced, [...path, 'unpricedModel']),
  });
  return { value, issues: issues.list };
}

function fullPrices(issues: FieldIssues, p: Record<string, number | undefined>, path: ConfigPath) {
  if (p.inputUsdPerMTok === undefined || p.outputUsdPerMTok === undefined) {
    return issues.add(path, 'needs at least inputUsdPerMTok and outputUsdPerMTok');
  }
  return {
    inputUsdPerMTok: p.inputUsdPerMTok,
    outputUsdPerMTok: p.outputUsdPerMTok,
    cachedInputUsdPerMTok: p.cachedInputUsdPerMTok ?? p.inputUsdPerMTok,
    cacheWriteUsdPerMTok: p.cacheWriteUsdPerMTok ?? p.inputUsdPerMTok,
  };
}

/** Checks the raw `catalog` subtree: overrides by `provider/model` or model name. */
export function parseCatalogSection(
  raw: unknown,
  path: ConfigPath = ['catalog'],
): { value: Readonly<Record<string, ModelInfoOverride>>; issues: ConfigIssue[] } {
  const issues = new FieldIssues();
  const given = mappingAt(issues, raw, path) ?? {};
  const out: Record<string, ModelInfoOverride> = {};
  for (const [name, value] of Object.entries(given)) {
    const entry = pricesAt(issues, value, [...path, name], MODEL_KEYS);
    if (entry) out[name] = entry as ModelInfoOverride;
  }
  return { value: Object.freeze(out), issues: issues.list };
}

export interface LimitsConfig {
  limits: ResolvedLimits;
  budgets: BudgetOptions | undefined;
  catalog: Readonly<Record<string, ModelInfoOverride>>;
}

/**
 * All three sections at once, throwing a `ConfigError` listing every problem — for a library
 * user building a limiter without the rest of the config.
 */
export function resolveLimitsConfig(
  raw: { limits?: unknown; budgets?: unknown; catalog?: unknown },
  providers?: readonly string[],
): LimitsConfig {
  const limits = parseLimitsSection(raw.limits, { providers });
  const budgets = parseBudgetsSection(raw.budgets);
  const catalog = parseCatalogSection(raw.catalog);
  const issues = [...limits.issues, ...budgets.issues, ...catalog.issues];
  if (issues.length > 0) throw new ConfigError(issues);
  return { limits: limits.value, budgets: budgets.value, catalog: catalog.value };
}

/** The limiter's options from the resolved sections (clock and state are the caller's). */
export function limiterOptionsFrom(
  config: LimitsConfig,
): LimiterSettings & Pick<LimitsConfig, 'budgets' | 'catalog'> {
  return { ...config.limits.limiter, budgets: config.budgets, catalog: config.catalog };
}
