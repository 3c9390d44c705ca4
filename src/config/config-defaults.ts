/**
 * The config's rules in one place: every default from the `@default` JSDoc in config-types.ts as
 * a frozen object and the range each option accepts. docs/config.md lists the same defaults and
 * ranges; a test keeps the two in step, and another keeps the defaults equal to the policies' own
 * (retry, backoff, breaker, retry budget).
 *
 * `ConfigError`, raised when a config breaks these rules, lives in config-error.ts; it is
 * re-exported here for the modules that import it from this one.
 */
import type { DialectName } from '../dialects/dialect-name.ts';
import type { CacheMode, ResolvedPolicy } from './config-types.ts';

export { ConfigError, type ConfigIssue, type ConfigPath, formatPath } from './config-error.ts';

export const DEFAULT_RETRY = Object.freeze({
  maxAttempts: 4,
  baseMs: 1000,
  capMs: 60_000,
  maxRetryDelayMs: 60_000,
  budgetRatio: 0.5,
  failoverAfterMs: 250,
});

export const DEFAULT_TIMEOUTS = Object.freeze({
  connectMs: 5000,
  firstByteMs: 30_000,
  idleMs: 15_000,
  deadlineMs: 120_000,
  maxStreamMs: 900_000,
});

export const DEFAULT_BREAKER = Object.freeze({
  failureThreshold: 5,
  failureRate: 0.5,
  minimumCalls: 50,
  consecutiveFailures: 5,
  windowMs: 60_000,
  openMs: 30_000,
  maxOpenMs: 300_000,
});

export const DEFAULT_CACHE_POLICY = Object.freeze({
  mode: 'off' as CacheMode,
  ttlMs: 3_600_000,
  allowStale: true,
});

export const DEFAULT_HEDGE = Object.freeze({
  enabled: true,
  delayFactor: 2,
  minDelayMs: 100,
  budgetRatio: 0.05,
});

/** The global policy when the config sets none. */
export const DEFAULT_POLICY: ResolvedPolicy = Object.freeze({
  retry: DEFAULT_RETRY,
  timeouts: DEFAULT_TIMEOUTS,
  breaker: DEFAULT_BREAKER,
  cache: DEFAULT_CACHE_POLICY,
  hedge: DEFAULT_HEDGE,
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
    failoverAfterMs: int(0, HOUR_MS, 'ms'),
  }),
  timeouts: Object.freeze({
    connectMs: int(1, 300_000, 'ms'),
    firstByteMs: int(1, HOUR_MS, 'ms'),
    idleMs: int(1, HOUR_MS, 'ms'),
    deadlineMs: int(1, DAY_MS, 'ms'),
    maxStreamMs: int(1, DAY_MS, 'ms'),
  }),
  breaker: Object.freeze({
    failureThreshold: int(1, 10_000, 'failures'),
    failureRate: share(),
    minimumCalls: int(1, 100_000, 'calls'),
    consecutiveFailures: int(1, 10_000, 'failures'),
    windowMs: int(1, HOUR_MS, 'ms'),
    openMs: int(1, HOUR_MS, 'ms'),
    maxOpenMs: int(1, DAY_MS, 'ms'),
  }),
  cache: Object.freeze({
    mode: Object.freeze({ type: 'enum', values: Object.freeze(['off', 'fallback', 'always']) }),
    ttlMs: int(1, 30 * DAY_MS, 'ms'),
    allowStale: Object.freeze({ type: 'boolean' }),
  }),
  hedge: Object.freeze({
    enabled: Object.freeze({ type: 'boolean' }),
    delayFactor: Object.freeze({ type: 'number', min: 1, max: 100, unit: 'factor' }),
    minDelayMs: int(0, HOUR_MS, 'ms'),
    budgetRatio: share(),
  }),
});

/** `cache.maxBytes`: 0 stores nothing; at most 16 GiB. */
export const CACHE_MAX_BYTES_RULE: NumberRule = int(0, 17_179_869_184, 'bytes');

export const DEFAULT_IDEMPOTENCY = Object.freeze({ ttlMs: DAY_MS, maxBytes: 67_108_864 });

/** The `idempotency` section: answers kept up to 30 days, in up to 16 GiB. */
export const IDEMPOTENCY_RULES: Readonly<Record<keyof typeof DEFAULT_IDEMPOTENCY, NumberRule>> =
  Object.freeze({
    ttlMs: int(1, 30 * DAY_MS, 'ms'),
    maxBytes: int(1, 17_179_869_184, 'bytes'),
  });
