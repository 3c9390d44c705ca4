/**
 * The `limits` config section: rate limits per target pattern, the admission queue, adaptive
 * pacing, and the per-route max_tokens policy. Checked eagerly, every problem collected with its
 * path (`limits.targets["openai/gpt-4o"].tpm: expected a number above 0 …`), so
 * `breakwater check` can list them all; `resolveConfig` appends the issues to its own.
 *
 * ```yaml
 * limits:
 *   targets:
 *     openai/gpt-4o-mini: { rpm: 600, tpm: 60000 }
 *     anthropic/claude-opus-4*: { rpm: 50, itpm: 30000, otpm: 8000, shared: true }
 *   queue: { maxDepth: 256, maxWaitMs: 60000 }
 *   adaptive: { decrease: 0.7, increase: 0.02 }
 *   routes:
 *     '*': { defaultMaxTokens: 4096 }
 *     chat: { maxTokens: 2048, overMaxTokens: reject }
 * ```
 */
import type { ConfigIssue, ConfigPath } from './config-defaults.ts';
import { booleanAt, choiceAt, defined, FieldIssues, mappingAt, numberAt } from './limits-fields.ts';
import type {
  AdaptiveOptions,
  LimiterSettings,
  LimitRule,
  MaxTokensPolicy,
  QueueOptions,
} from './limits-types.ts';

/** The section as a user writes it (YAML, JSON or a TypeScript object). */
export interface LimitsSection {
  /** Per-minute limits by target pattern: `provider/model`, `provider/prefix*`, `provider/*`, `*`. */
  targets?: Record<string, LimitRule>;
  queue?: QueueOptions;
  adaptive?: AdaptiveOptions;
  /** @default true */
  learnFromHeaders?: boolean;
  /** @default 1024 */
  assumedOutputTokens?: number;
  /** @default 600000 */
  leaseGraceMs?: number;
  /** max_tokens policy by route name; `*` gives every route each field it does not set itself. */
  routes?: Record<string, MaxTokensPolicy>;
}

/** The section as resolved: the limiter's options and each route's max_tokens policy. */
export interface ResolvedLimits {
  limiter: LimiterSettings;
  /** By route name, `*`'s fields merged under each; `*` alone for routes without an entry. */
  routes: Readonly<Record<string, MaxTokensPolicy>>;
}

const SECTION_KEYS = [
  'targets',
  'queue',
  'adaptive',
  'learnFromHeaders',
  'assumedOutputTokens',
  'leaseGraceMs',
  'routes',
];
const RULE_KEYS = ['rpm', 'tpm', 'itpm', 'otpm', 'maxConcurrent', 'per', 'shared', 'outputCharge'];
const HOUR_MS = 3_600_000;
const PER_MINUTE = { min: 0, max: 1e12, exclusiveMin: true, unit: 'per minute' };
const TOKENS = { min: 1, max: 10_000_000, integer: true, unit: 'tokens' };
const SHARE = { min: 0, max: 1, exclusiveMin: true };

function patternProblem(pattern: string, providers: readonly string[] | undefined) {
  if (pattern === '*') return undefined;
  const slash = pattern.indexOf('/');
  if (slash <= 0 || slash === pattern.length - 1) {
    return 'a target pattern is provider/model, provider/prefix*, provider/* or *';
  }
  if (pattern.indexOf('*') >= 0 && pattern.indexOf('*') !== pattern.length - 1) {
    return 'a "*" may only end a pattern (provider/prefix*)';
  }
  const provider = pattern.slice(0, slash);
  if (providers && !providers.includes(provider)) {
    return `unknown provider "${provider}" — providers are: ${providers.join(', ')}`;
  }
  return undefined;
}

function ruleAt(issues: FieldIssues, value: unknown, path: ConfigPath): LimitRule | undefined {
  const given = mappingAt(issues, value, path, RULE_KEYS);
  if (!given) return undefined;
  const at = (key: string) => [...path, key];
  return defined<LimitRule>({
    rpm: numberAt(issues, given.rpm, at('rpm'), PER_MINUTE),
    tpm: numberAt(issues, given.tpm, at('tpm'), PER_MINUTE),
    itpm: numberAt(issues, given.itpm, at('itpm'), PER_MINUTE),
    otpm: numberAt(issues, given.otpm, at('otpm'), PER_MINUTE),
    maxConcurrent: numberAt(issues, given.maxConcurrent, at('maxConcurrent'), {
      min: 1,
      max: 1_000_000,
      integer: true,
    }),
    per: choiceAt(issues, given.per, at('per'), ['key', 'target'] as const),
    shared: booleanAt(issues, given.shared, at('shared')),
    outputCharge: choiceAt(issues, given.outputCharge, at('outputCharge'), [
      'reserved',
      'actual',
    ] as const),
  });
}

function queueAt(issues: FieldIssues, value: unknown, path: ConfigPath): QueueOptions | undefined {
  const given = mappingAt(issues, value, path, ['maxDepth', 'maxWaitMs', 'callHeadroomMs']);
  if (!given) return undefined;
  return defined<QueueOptions>({
    maxDepth: numberAt(issues, given.maxDepth, [...path, 'maxDepth'], {
      min: 0,
      max: 1_000_000,
      integer: true,
      unit: 'requests',
    }),
    maxWaitMs: numberAt(issues, given.maxWaitMs, [...path, 'maxWaitMs'], {
      min: 0,
      max: HOUR_MS,
      integer: true,
      unit: 'ms',
    }),
    callHeadroomMs: numberAt(issues, given.callHeadroomMs, [...path, 'callHeadroomMs'], {
      min: 0,
      max: HOUR_MS,
      integer: true,
      unit: 'ms',
    }),
  });
}

function adaptiveAt(issues: FieldIssues, value: unknown, path: ConfigPath) {
  const keys = ['enabled', 'decrease', 'increase', 'minFactor', 'cooldownMs', 'slowDownHoldMs'];
  const given = mappingAt(issues, value, path, keys);
  if (!given) return undefined;
  const at = (key: string) => [...path, key];
  const ms = { min: 0, max: 24 * HOUR_MS, integer: true, unit: 'ms' };
  const out = defined<AdaptiveOptions>({
    enabled: booleanAt(issues, given.enabled, at('enabled')),
    decrease: numberAt(issues, given.decrease, at('decrease'), { ...SHARE, max: 0.99 }),
    increase: numberAt(issues, given.increase, at('increase'), SHARE),
    minFactor: numberAt(issues, given.minFactor, at('minFactor'), SHARE),
    cooldownMs: numberAt(issues, given.cooldownMs, at('cooldownMs'), ms),
    slowDownHoldMs: numberAt(issues, given.slowDownHoldMs, at('slowDownHoldMs'), ms),
  });
  return out;
}

function routePolicyAt(issues: FieldIssues, value: unknown, path: ConfigPath) {
  const given = mappingAt(issues, value, path, ['maxTokens', 'overMaxTokens', 'defaultMaxTokens']);
  if (!given) return undefined;
  const policy = defined<MaxTokensPolicy>({
    maxTokens: numberAt(issues, given.maxTokens, [...path, 'maxTokens'], TOKENS),
    overMaxTokens: choiceAt(issues, given.overMaxTokens, [...path, 'overMaxTokens'], [
      'clamp',
      'reject',
    ] as const),
    defaultMaxTokens: numberAt(
      issues,
      given.defaultMaxTokens,
      [...path, 'defaultMaxTokens'],
      TOKENS,
    ),
  });
  return policy;
}

export interface LimitsSectionOptions {
  /** The configured provider names, to catch a pattern naming an unknown one. */
  providers?: readonly string[];
  /** @default ['limits'] */
  path?: ConfigPath;
}

/** Checks the raw `limits` subtree (absent = no limits). Never throws; problems are returned. */
export function parseLimitsSection(
  raw: unknown,
  options: LimitsSectionOptions = {},
): { value: ResolvedLimits; issues: ConfigIssue[] } {
  const path = options.path ?? ['limits'];
  const issues = new FieldIssues();
  const given = mappingAt(issues, raw, path, SECTION_KEYS) ?? {};
  const targets: Record<string, LimitRule> = {};
  const givenTargets = mappingAt(issues, given.targets, [...path, 'targets']) ?? {};
  for (const [pattern, value] of Object.entries(givenTargets)) {
    const at = [...path, 'targets', pattern];
    const problem = patternProblem(pattern, options.providers);
    if (problem) issues.add(at, problem);
    const rule = ruleAt(issues, value, at);
    if (rule && !problem) targets[pattern] = rule;
  }
  const routes: Record<string, MaxTokensPolicy> = {};
  const givenRoutes = mappingAt(issues, given.routes, [...path, 'routes']) ?? {};
  for (const [name, value] of Object.entries(givenRoutes)) {
    const policy = routePolicyAt(issues, value, [...path, 'routes', name]);
    if (policy) routes[name] = policy;
  }
  const every = routes['*'];
  if (every) {
    for (const name of Object.keys(routes)) routes[name] = { ...every, ...routes[name] };
  }
  const limiter = defined<ResolvedLimits['limiter']>({
    targets: Object.freeze(targets),
    queue: queueAt(issues, given.queue, [...path, 'queue']),
    adaptive: adaptiveAt(issues, given.adaptive, [...path, 'adaptive']),
    learnFromHeaders: booleanAt(issues, given.learnFromHeaders, [...path, 'learnFromHeaders']),
    assumedOutputTokens: numberAt(
      issues,
      given.assumedOutputTokens,
      [...path, 'assumedOutputTokens'],
      TOKENS,
    ),
    leaseGraceMs: numberAt(issues, given.leaseGraceMs, [...path, 'leaseGraceMs'], {
      min: 0,
      max: 24 * HOUR_MS,
      integer: true,
      unit: 'ms',
    }),
  });
  return { value: Object.freeze({ limiter, routes: Object.freeze(routes) }), issues: issues.list };
}

/** The max_tokens policy of route `name`: its own entry, else `*`, else none. */
export function maxTokensPolicyFor(limits: ResolvedLimits, name: string): MaxTokensPolicy {
  return limits.routes[name] ?? limits.routes['*'] ?? {};
}
