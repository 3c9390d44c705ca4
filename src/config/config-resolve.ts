/**
 * Turns a `BreakwaterConfig` into the `ResolvedConfig` the engine reads: environment
 * interpolation, then every option checked against the rules in config-defaults.ts, every
 * default filled once, every `provider/model` target checked against the providers, and each
 * route's policy merged over the global one (section by section, option by option).
 *
 * This file composes the parts: config-check.ts (the generic checks and the issue collector),
 * config-providers.ts, config-policy.ts and config-routes.ts. Problems from all of them are
 * collected and thrown together as one `ConfigError`. `parseTarget`, `resolveTarget` and
 * `resolveRoute` are re-exported from config-routes.ts.
 */
import { Issues, objectAt, ruleValue } from './config-check.ts';
import {
  CACHE_MAX_BYTES_RULE,
  DEFAULT_CACHE_MAX_BYTES,
  DEFAULT_IDEMPOTENCY,
  DEFAULT_POLICY,
  IDEMPOTENCY_RULES,
} from './config-defaults.ts';
import { ConfigError } from './config-error.ts';
import { policyAt } from './config-policy.ts';
import { providersAt } from './config-providers.ts';
import { internTargets, routesAt } from './config-routes.ts';
import { parseTelemetrySection } from './config-telemetry.ts';
import type { BreakwaterConfig, ResolvedConfig } from './config-types.ts';
import { type Env, interpolateEnv } from './env-interpolate.ts';
import { parseBudgetsSection, parseCatalogSection } from './limits-budgets.ts';
import { parseLimitsSection } from './limits-config.ts';

export { parseTarget, resolveRoute, resolveTarget } from './config-routes.ts';

export interface ResolveOptions {
  /** Variables for `${NAME}` interpolation. @default process.env */
  env?: Env;
}

const TOP_KEYS = [
  'providers',
  'routes',
  'policy',
  'cache',
  'idempotency',
  'limits',
  'budgets',
  'catalog',
  'telemetry',
];
const CACHE_KEYS = ['maxBytes'];

/**
 * Checks `config`, fills every default and returns what the engine reads. Throws a `ConfigError`
 * listing every problem, each with its path.
 */
export function resolveConfig(
  config: BreakwaterConfig,
  options: ResolveOptions = {},
): ResolvedConfig {
  const tree: unknown = interpolateEnv<unknown>(config, { env: options.env });
  if (tree === undefined || tree === null) {
    throw new ConfigError({
      path: [],
      message:
        'the config is empty — it needs at least a providers section (see config/default.yaml)',
    });
  }
  const issues = new Issues();
  const root = objectAt(issues, tree, [], TOP_KEYS);
  if (!root) throw new ConfigError(issues.list);

  // Providers merge their breaker over the global policy's, so it is read first; its problems
  // are still listed after the providers', in the order the sections are usually written.
  const policyIssues = new Issues();
  const policy = policyAt(policyIssues, root.policy, ['policy'], DEFAULT_POLICY);
  const { providers, names } = providersAt(issues, root.providers, policy);
  issues.list.push(...policyIssues.list);
  let cacheMaxBytes = DEFAULT_CACHE_MAX_BYTES;
  if (root.cache !== undefined && root.cache !== null) {
    const cache = objectAt(issues, root.cache, ['cache'], CACHE_KEYS);
    if (cache?.maxBytes !== undefined) {
      const value = ruleValue(issues, cache.maxBytes, ['cache', 'maxBytes'], CACHE_MAX_BYTES_RULE);
      if (typeof value === 'number') cacheMaxBytes = value;
    }
  }

  const idempotency: Record<string, number> = { ...DEFAULT_IDEMPOTENCY };
  if (root.idempotency !== undefined && root.idempotency !== null) {
    const given = objectAt(
      issues,
      root.idempotency,
      ['idempotency'],
      Object.keys(IDEMPOTENCY_RULES),
    );
    for (const [key, rule] of Object.entries(IDEMPOTENCY_RULES)) {
      if (given?.[key] === undefined) continue;
      const value = ruleValue(issues, given[key], ['idempotency', key], rule);
      if (typeof value === 'number') idempotency[key] = value;
    }
  }

  const { routes, targets } = routesAt(issues, root.routes, names, providers, policy);
  const limits = parseLimitsSection(root.limits, { providers: names });
  const budgets = parseBudgetsSection(root.budgets);
  const catalog = parseCatalogSection(root.catalog);
  const telemetry = parseTelemetrySection(root.telemetry, options.env ?? process.env);
  issues.list.push(...limits.issues, ...budgets.issues, ...catalog.issues, ...telemetry.issues);

  if (issues.list.length > 0) throw new ConfigError(issues.list);
  const resolved: ResolvedConfig = Object.freeze({
    providers,
    routes,
    policy,
    cacheMaxBytes,
    idempotency: Object.freeze(idempotency) as ResolvedConfig['idempotency'],
    limits: limits.value,
    budgets: budgets.value,
    catalog: catalog.value,
    telemetry: telemetry.value,
  });
  internTargets(resolved, targets);
  return resolved;
}
