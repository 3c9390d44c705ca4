/**
 * The `limits` config section: rate limits per target pattern, the admission queue, adaptive
 * pacing, and the per-route max_tokens policy. Checked by its schema (config-schema.ts,
 * `LimitsSchema`) with every problem collected at its path
 * (`limits.targets["openai/gpt-4o"].tpm: expected a number above 0 …`), so `breakwater check`
 * can list them all; what the schema cannot say — a pattern's form and its provider — is checked
 * here. `resolveConfig` appends the issues to its own.
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
import type { ConfigIssue, ConfigPath } from './config-error.ts';
import { configIssues } from './config-issues.ts';
import { LimitsSchema } from './config-schema.ts';
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

export interface LimitsSectionOptions {
  /** The configured provider names, to catch a pattern naming an unknown one. */
  providers?: readonly string[];
  /** @default ['limits'] */
  path?: ConfigPath;
}

const EMPTY: ResolvedLimits = Object.freeze({
  limiter: Object.freeze({ targets: Object.freeze({}) }),
  routes: Object.freeze({}),
});

/** Checks the raw `limits` subtree (absent = no limits). Never throws; problems are returned. */
export function parseLimitsSection(
  raw: unknown,
  options: LimitsSectionOptions = {},
): { value: ResolvedLimits; issues: ConfigIssue[] } {
  const path = options.path ?? ['limits'];
  if (raw === undefined || raw === null) return { value: EMPTY, issues: [] };
  const parsed = LimitsSchema.safeParse(raw, { reportInput: true });
  const issues = parsed.success ? [] : configIssues(parsed.error.issues, path);
  const targets = (raw as { targets?: unknown }).targets;
  if (typeof targets === 'object' && targets !== null) {
    for (const pattern of Object.keys(targets)) {
      const problem = patternProblem(pattern, options.providers);
      if (problem) issues.push({ path: [...path, 'targets', pattern], message: problem });
    }
  }
  if (!parsed.success || issues.length > 0) return { value: EMPTY, issues };
  const { routes: given = {}, ...limiter } = parsed.data;
  const routes: Record<string, MaxTokensPolicy> = { ...given };
  const every = routes['*'];
  if (every) {
    for (const name of Object.keys(routes)) routes[name] = { ...every, ...routes[name] };
  }
  return {
    value: Object.freeze({
      limiter: Object.freeze({ ...limiter, targets: Object.freeze(limiter.targets ?? {}) }),
      routes: Object.freeze(routes),
    }),
    issues,
  };
}

/** The max_tokens policy of route `name`: its own entry, else `*`, else none. */
export function maxTokensPolicyFor(limits: ResolvedLimits, name: string): MaxTokensPolicy {
  return limits.routes[name] ?? limits.routes['*'] ?? {};
}
