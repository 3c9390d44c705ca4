/**
 * The config's rules in one place: every default from the `@default` JSDoc in config-types.ts as
 * a frozen object, the range each option accepts, and `ConfigError`, raised when a config breaks
 * them. docs/config.md lists the same defaults and ranges; a test keeps the two in step, and
 * another keeps the defaults equal to the policies' own (retry, backoff, breaker, retry budget).
 *
 * `ConfigError` lives here, in the leaf of the config modules, so that interpolation, resolution
 * and loading can all raise it without importing one another in a cycle.
 */
import type { DialectName } from '../dialects/dialect-name.ts';
import { RejectedError } from '../errors/index.ts';
import type { CacheMode, ResolvedPolicy } from './config-types.ts';

export const DEFAULT_RETRY = Object.freeze({
  maxAttempts: 4,
  baseMs: 1000,
  capMs: 60_000,
  maxRetryDelayMs: 60_000,
  budgetRatio: 0.5,
});

export const DEFAULT_TIMEOUTS = Object.freeze({
  connectMs: 5000,
  firstByteMs: 30_000,
  idleMs: 15_000,
  deadlineMs: 120_000,
});

export const DEFAULT_BREAKER = Object.freeze({
  failureThreshold: 5,
  failureRate: 0.5,
  windowMs: 60_000,
  openMs: 30_000,
  maxOpenMs: 300_000,
});

export const DEFAULT_CACHE_POLICY = Object.freeze({
  mode: 'off' as CacheMode,
  ttlMs: 3_600_000,
  allowStale: true,
});

/** The global policy when the config sets none. */
export const DEFAULT_POLICY: ResolvedPolicy = Object.freeze({
  retry: DEFAULT_RETRY,
  timeouts: DEFAULT_TIMEOUTS,
  breaker: DEFAULT_BREAKER,
  cache: DEFAULT_CACHE_POLICY,
});

/** `cache.maxBytes`: 64 MiB. */
export const DEFAULT_CACHE_MAX_BYTES = 67_108_864;

/** Without `/v1`: the engine appends `/v1/chat/completions` or `/v1/messages`. */
export const DEFAULT_BASE_URLS: Readonly<Record<DialectName, string>> = Object.freeze({
  openai: 'https://api.openai.com',
  anthropic: 'https://api.anthropic.com',
});

export interface NumberRule {
  readonly type: 'integer' | 'number';
  readonly min: number;
  readonly max: number;
  readonly unit: string;
}
export interface BooleanRule {
  readonly type: 'boolean';
}
export interface EnumRule {
  readonly type: 'enum';
  readonly values: readonly string[];
}
export type OptionRule = NumberRule | BooleanRule | EnumRule;

const int = (min: number, max: number, unit: string): NumberRule => ({
  type: 'integer',
  min,
  max,
  unit,
});
const share = (): NumberRule => ({ type: 'number', min: 0, max: 1, unit: 'ratio' });
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

type PolicyRules = {
  readonly [S in keyof ResolvedPolicy]: Record<keyof ResolvedPolicy[S], OptionRule>;
};

/** What each policy option accepts. Cross-field rules: `capMs ≥ baseMs`, `maxOpenMs ≥ openMs`. */
export const POLICY_RULES: PolicyRules = Object.freeze({
  retry: Object.freeze({
    maxAttempts: int(1, 10, 'attempts'),
    baseMs: int(1, 60_000, 'ms'),
    capMs: int(1, HOUR_MS, 'ms'),
    maxRetryDelayMs: int(0, HOUR_MS, 'ms'),
    budgetRatio: share(),
  }),
  timeouts: Object.freeze({
    connectMs: int(1, 300_000, 'ms'),
    firstByteMs: int(1, HOUR_MS, 'ms'),
    idleMs: int(1, HOUR_MS, 'ms'),
    deadlineMs: int(1, DAY_MS, 'ms'),
  }),
  breaker: Object.freeze({
    failureThreshold: int(1, 10_000, 'failures'),
    failureRate: share(),
    windowMs: int(1, HOUR_MS, 'ms'),
    openMs: int(1, HOUR_MS, 'ms'),
    maxOpenMs: int(1, DAY_MS, 'ms'),
  }),
  cache: Object.freeze({
    mode: Object.freeze({ type: 'enum', values: Object.freeze(['off', 'fallback', 'always']) }),
    ttlMs: int(1, 30 * DAY_MS, 'ms'),
    allowStale: Object.freeze({ type: 'boolean' }),
  }),
});

/** `cache.maxBytes`: 0 stores nothing; at most 16 GiB. */
export const CACHE_MAX_BYTES_RULE: NumberRule = int(0, 17_179_869_184, 'bytes');

/** A location in the config tree: `['routes', 'chat', 'tiers', 1]`. */
export type ConfigPath = readonly (string | number)[];

export interface ConfigIssue {
  readonly path: ConfigPath;
  /** What is wrong and how to fix it; never contains a key. */
  readonly message: string;
  /** 1-based, when the config came from a file. */
  readonly line?: number;
  readonly column?: number;
}

/** `routes.chat.tiers[1]`; names that are not plain words are quoted: `routes["openai/gpt-4o"]`. */
export function formatPath(path: ConfigPath): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(segment)) out += out ? `.${segment}` : segment;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

function renderIssue(issue: ConfigIssue, file: string | undefined): string {
  let where = file ?? '';
  if (file && issue.line !== undefined) where += `:${issue.line}:${issue.column ?? 1}`;
  const path = formatPath(issue.path);
  return [where, path, issue.message].filter(Boolean).join(': ');
}

/**
 * A config that cannot be used: code `validation`, with every problem found (not just the first)
 * in `issues`, each naming its path. `param` is the first issue's path.
 */
export class ConfigError extends RejectedError {
  readonly issues: readonly ConfigIssue[];
  /** The file the config came from, when it came from one. */
  readonly file: string | undefined;

  constructor(issues: ConfigIssue | readonly ConfigIssue[], file?: string, cause?: unknown) {
    const list = Object.freeze(Array.isArray(issues) ? [...issues] : [issues as ConfigIssue]);
    const lines = list.map((issue) => renderIssue(issue, file));
    const message =
      lines.length === 1
        ? (lines[0] ?? '')
        : `${lines.length} problems in the config:\n  ${lines.join('\n  ')}`;
    super('validation', message, {
      param: list[0] ? formatPath(list[0].path) || undefined : undefined,
      hint: 'Fix the option the message names; docs/config.md lists every option.',
      cause,
    });
    this.name = 'ConfigError';
    this.issues = list;
    this.file = file;
  }

  /** The same problems, told as coming from `file` (with line and column where known). */
  withFile(
    file: string,
    locate?: (path: ConfigPath) => { line: number; column: number } | undefined,
  ): ConfigError {
    const issues = this.issues.map((issue) =>
      issue.line === undefined && locate ? { ...issue, ...locate(issue.path) } : issue,
    );
    return new ConfigError(issues, file, this.cause);
  }
}
