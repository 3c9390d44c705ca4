/**
 * Turns a `BreakwaterConfig` into the `ResolvedConfig` the engine reads: environment
 * interpolation, then the whole tree checked against its schema (config-schema.ts: types,
 * ranges, unknown keys), and beside it the rules that hang on more than one value (a target
 * naming a known provider, `capMs ≥ baseMs`, a provider's dialect). Every problem from both is
 * collected and thrown together as one `ConfigError`, each with its path. Then every default is
 * filled once and each route's policy merged over the global one.
 *
 * `parseTarget`, `resolveTarget` and `resolveRoute` are re-exported from config-routes.ts.
 */
import { DEFAULT_CACHE_MAX_BYTES, DEFAULT_IDEMPOTENCY, DEFAULT_POLICY } from './config-defaults.ts';
import { ConfigError, type ConfigIssue } from './config-error.ts';
import { configIssues } from './config-issues.ts';
import { mergePolicy, type PolicyOverrides, policyProblems } from './config-policy.ts';
import { buildProvider, providerProblems } from './config-providers.ts';
import { buildRoutes, type CheckedRoute, internTargets, routeProblems } from './config-routes.ts';
import { ConfigSchema } from './config-schema.ts';
import { parseStoreSection } from './config-store.ts';
import { parseTelemetrySection } from './config-telemetry.ts';
import type { BreakwaterConfig, ResolvedConfig, ResolvedProvider } from './config-types.ts';
import { type Env, interpolateEnv, isPlainObject } from './env-interpolate.ts';
import { parseBudgetsSection, parseCatalogSection } from './limits-budgets.ts';
import { parseLimitsSection } from './limits-config.ts';

export { parseTarget, resolveRoute, resolveTarget } from './config-routes.ts';

export interface ResolveOptions {
  /** Variables for `${NAME}` interpolation. @default process.env */
  env?: Env;
}

/** The tree without keys whose value is `undefined` (optional fields of a TypeScript object). */
function defined(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(defined);
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) if (item !== undefined) out[key] = defined(item);
  return out;
}

const mapping = (value: unknown): Record<string, unknown> => (isPlainObject(value) ? value : {});

/** The cross-option rules of the global policy, each provider's breaker and each route's policy. */
function policyRuleProblems(root: Record<string, unknown>): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const global = mergePolicy(DEFAULT_POLICY, mapping(root.policy) as PolicyOverrides);
  const given = mapping(root.policy);
  issues.push(
    ...policyProblems(
      {
        retry: given.retry ? global.retry : undefined,
        breaker: given.breaker ? global.breaker : undefined,
      },
      ['policy'],
    ),
  );
  for (const [name, provider] of Object.entries(mapping(root.providers))) {
    const breaker = mapping(provider).breaker;
    if (!isPlainObject(breaker)) continue;
    const merged = { ...global.breaker, ...breaker };
    const problems = policyProblems({ breaker: merged as typeof global.breaker }, [
      'providers',
      name,
    ]);
    // A provider's breaker is its own section: `providers.x.breaker.maxOpenMs`.
    issues.push(...problems);
  }
  for (const [name, route] of Object.entries(mapping(root.routes))) {
    const policy = mapping(mapping(route).policy);
    if (!isPlainObject(policy.retry)) continue;
    const merged = { ...global.retry, ...policy.retry };
    issues.push(
      ...policyProblems({ retry: merged as typeof global.retry }, ['routes', name, 'policy']),
    );
  }
  // Numbers that were not numbers already have their own message.
  return issues.filter((issue) => !issue.message.includes('NaN'));
}

/**
 * Checks `config`, fills every default and returns what the engine reads. Throws a `ConfigError`
 * listing every problem, each with its path.
 */
export function resolveConfig(
  config: BreakwaterConfig,
  options: ResolveOptions = {},
): ResolvedConfig {
  const tree = defined(interpolateEnv<unknown>(config, { env: options.env }));
  if (tree === undefined || tree === null) {
    throw new ConfigError({
      path: [],
      message:
        'the config is empty — it needs at least a providers section (see config/default.yaml)',
    });
  }
  const parsed = ConfigSchema.safeParse(tree, { reportInput: true });
  const issues = parsed.success ? [] : configIssues(parsed.error.issues);
  const root = mapping(tree);
  const providerNames = Object.keys(mapping(root.providers));
  issues.push(...providerProblems(root.providers));
  issues.push(...policyRuleProblems(root));
  issues.push(...routeProblems(root.routes, providerNames));
  const limits = parseLimitsSection(root.limits, { providers: providerNames });
  const budgets = parseBudgetsSection(root.budgets);
  const catalog = parseCatalogSection(root.catalog);
  const telemetry = parseTelemetrySection(root.telemetry, options.env ?? process.env);
  const store = parseStoreSection(root.store);
  // The sections' schemas ran inside the whole one too: keep the rules only theirs can see.
  const seen = new Set(issues.map((i) => `${i.path.join('\u0000')}\u0001${i.message}`));
  for (const issue of [
    ...limits.issues,
    ...budgets.issues,
    ...catalog.issues,
    ...telemetry.issues,
    ...store.issues,
  ]) {
    const key = `${issue.path.join('\u0000')}\u0001${issue.message}`;
    if (!seen.has(key)) issues.push(issue);
  }
  if (issues.length > 0 || !parsed.success) {
    throw new ConfigError(issues.length > 0 ? issues : [{ path: [], message: 'invalid config' }]);
  }

  const data = parsed.data;
  const policy = mergePolicy(DEFAULT_POLICY, data.policy as PolicyOverrides);
  const providers = new Map<string, ResolvedProvider>();
  for (const [name, given] of Object.entries(data.providers ?? {})) {
    providers.set(name, buildProvider(name, given, policy));
  }
  const { routes, targets } = buildRoutes(
    (data.routes ?? {}) as Record<string, CheckedRoute>,
    providers,
    policy,
  );
  const resolved: ResolvedConfig = Object.freeze({
    providers,
    routes,
    policy,
    cacheMaxBytes: (data.cache?.maxBytes as number | undefined) ?? DEFAULT_CACHE_MAX_BYTES,
    idempotency: Object.freeze({
      ...DEFAULT_IDEMPOTENCY,
      ...(data.idempotency as Partial<typeof DEFAULT_IDEMPOTENCY> | null | undefined),
    }),
    limits: limits.value,
    budgets: budgets.value,
    catalog: catalog.value,
    telemetry: telemetry.value,
    store: store.value,
  });
  internTargets(resolved, targets);
  return resolved;
}
