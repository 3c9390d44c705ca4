import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_BACKOFF } from '../policy/backoff.ts';
import { BREAKER_DEFAULTS } from '../policy/breaker.ts';
import { RETRY_DEFAULTS } from '../policy/retry.ts';
import { RETRY_BUDGET_DEFAULTS } from '../policy/retry-budget.ts';
import { KEY_POOL_DEFAULTS } from '../upstream/key-pool.ts';
import {
  CACHE_MAX_BYTES_RULE,
  ConfigError,
  DEFAULT_BASE_URLS,
  DEFAULT_CACHE_MAX_BYTES,
  DEFAULT_IDEMPOTENCY,
  DEFAULT_POLICY,
  formatPath,
  IDEMPOTENCY_RULES,
  type OptionRule,
  POLICY_RULES,
} from './config-defaults.ts';
import { parseConfigText } from './config-load.ts';
import { resolveConfig } from './config-resolve.ts';
import type { BreakwaterConfig } from './config-types.ts';

const doc = readFileSync(new URL('../../docs/config.md', import.meta.url), 'utf8');

/** The cells of the table row for `option`: [option, unit, default, range, meaning]. */
function row(option: string): string[] {
  const cells = doc
    .split('\n')
    .map((line) =>
      line
        .split('|')
        .map((cell) => cell.trim())
        .slice(1, -1),
    )
    .find((cells) => cells[0] === `\`${option}\``);
  expect(cells, `docs/config.md needs a row for ${option}`).toBeDefined();
  return cells!;
}

function rangeText(rule: OptionRule): string {
  if (rule.type === 'boolean') return 'true, false';
  if (rule.type === 'enum') return rule.values.join(', ');
  return `${rule.min}–${rule.max}`;
}

function unitText(rule: OptionRule): string {
  return rule.type === 'boolean' || rule.type === 'enum' ? '—' : rule.unit;
}

const policyOptions = Object.entries(POLICY_RULES).flatMap(([section, rules]) =>
  Object.entries(rules as Record<string, OptionRule>).map(
    ([key, rule]) =>
      [
        `policy.${section}.${key}`,
        rule,
        (DEFAULT_POLICY as unknown as Record<string, Record<string, unknown>>)[section]?.[key],
      ] as const,
  ),
);

describe('docs/config.md', () => {
  it.each(policyOptions)('documents %s with its unit, default and range', (option, rule, value) => {
    const [, unit, def, range] = row(option);
    expect(unit).toBe(unitText(rule));
    expect(def).toBe(String(value));
    expect(range).toBe(rangeText(rule));
  });

  it('documents every policy option there is, and no other', () => {
    const documented = [...doc.matchAll(/^\| `(policy\.[\w.]+)` +\|/gm)].map((m) => m[1]);
    expect(documented).toEqual(policyOptions.map(([option]) => option));
  });

  it('documents cache.maxBytes, the base URLs and the key pool cool-down', () => {
    expect(row('cache.maxBytes').slice(1, 4)).toEqual([
      'bytes',
      String(DEFAULT_CACHE_MAX_BYTES),
      rangeText(CACHE_MAX_BYTES_RULE),
    ]);
    const baseUrl = row('baseUrl').join(' ');
    for (const url of Object.values(DEFAULT_BASE_URLS)) expect(baseUrl).toContain(`\`${url}\``);
    expect(row('KeyPool` `coolDownMs')[2]).toBe(String(KEY_POOL_DEFAULTS.coolDownMs));
  });

  it('documents the idempotency section and a route’s coalesce', () => {
    for (const [key, rule] of Object.entries(IDEMPOTENCY_RULES)) {
      expect(row(`idempotency.${key}`).slice(1, 4)).toEqual([
        rule.unit,
        String(DEFAULT_IDEMPOTENCY[key as keyof typeof DEFAULT_IDEMPOTENCY]),
        rangeText(rule),
      ]);
    }
    expect(row('coalesce')[1]).toBe('`false`');
  });

  it('has a full example that loads', () => {
    const example = /```yaml\n([\s\S]*?)```/.exec(doc)?.[1];
    expect(example).toBeDefined();
    const { tree } = parseConfigText(example!, 'example.yaml');
    const config = resolveConfig(tree as BreakwaterConfig, { env: { OPENAI_API_KEY: 'k' } });
    expect([...config.routes.keys()]).toEqual(['chat', 'smart', 'llama']);
    expect(config.routes.get('llama')?.tiers[0]?.[0]?.model).toBe(
      'meta-llama/llama-3.1-70b-instruct',
    );
  });
});

describe('config defaults', () => {
  it('equal the policies’ own defaults', () => {
    expect(DEFAULT_POLICY.retry.maxAttempts).toBe(RETRY_DEFAULTS.maxAttempts);
    expect(DEFAULT_POLICY.retry.maxRetryDelayMs).toBe(RETRY_DEFAULTS.maxRetryDelayMs);
    expect(DEFAULT_POLICY.retry.baseMs).toBe(DEFAULT_BACKOFF.baseMs);
    expect(DEFAULT_POLICY.retry.capMs).toBe(DEFAULT_BACKOFF.capMs);
    expect(DEFAULT_POLICY.retry.budgetRatio).toBe(RETRY_BUDGET_DEFAULTS.ratio);
    expect(DEFAULT_POLICY.breaker).toEqual(BREAKER_DEFAULTS);
  });

  it('lie within their own ranges', () => {
    for (const [option, rule, value] of policyOptions) {
      if (rule.type === 'integer' || rule.type === 'number') {
        expect(value, option).toBeGreaterThanOrEqual(rule.min);
        expect(value, option).toBeLessThanOrEqual(rule.max);
      } else if (rule.type === 'enum') expect(rule.values, option).toContain(value);
    }
  });

  it('are frozen', () => {
    expect(Object.isFrozen(DEFAULT_POLICY)).toBe(true);
    for (const section of Object.values(DEFAULT_POLICY))
      expect(Object.isFrozen(section)).toBe(true);
    expect(Object.isFrozen(DEFAULT_BASE_URLS)).toBe(true);
  });
});

describe('ConfigError', () => {
  it('is a validation error naming the path', () => {
    const err = new ConfigError({ path: ['routes', 'chat', 'tiers', 1], message: 'bad' });
    expect(err.code).toBe('validation');
    expect(err.name).toBe('ConfigError');
    expect(err.message).toBe('routes.chat.tiers[1]: bad');
    expect(err.param).toBe('routes.chat.tiers[1]');
    expect(err.toJSON()).toMatchObject({ code: 'validation', param: 'routes.chat.tiers[1]' });
  });

  it('adds the file and positions', () => {
    const err = new ConfigError([
      { path: ['a'], message: 'x' },
      { path: ['b'], message: 'y', line: 3, column: 4 },
    ]).withFile('c.yaml', (path) => (path[0] === 'a' ? { line: 1, column: 2 } : undefined));
    expect(err.message).toBe('2 problems in the config:\n  c.yaml:1:2: a: x\n  c.yaml:3:4: b: y');
    expect(err.file).toBe('c.yaml');
  });

  it('formats paths readably', () => {
    expect(formatPath(['providers', 'my-llm', 'headers', 'anthropic-beta'])).toBe(
      'providers.my-llm.headers.anthropic-beta',
    );
    expect(formatPath(['routes', 'openai/gpt-4o', 'tiers', 0, 1])).toBe(
      'routes["openai/gpt-4o"].tiers[0][1]',
    );
  });
});
