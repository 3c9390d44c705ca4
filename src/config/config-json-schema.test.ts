/**
 * The published JSON Schema (config/config.schema.json, `breakwater/config.schema.json`): the file
 * is what the zod schema generates today, and a standard validator (ajv, draft 2020-12) accepts
 * config/default.yaml and every config example in the docs with it — and refuses a typo.
 */
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { CONFIG_JSON_SCHEMA_FILE, configJsonSchemaText } from './config-json-schema.ts';

const file = readFileSync(CONFIG_JSON_SCHEMA_FILE, 'utf8');
const validate = new Ajv2020({ allErrors: true, strict: false }).compile(JSON.parse(file));
const SECTIONS = new Set([
  'providers',
  'routes',
  'policy',
  'cache',
  'idempotency',
  'limits',
  'budgets',
  'catalog',
]);

/** Every ```yaml block of the docs whose top-level keys are config sections. */
function docExamples(): { where: string; config: Record<string, unknown> }[] {
  const out: { where: string; config: Record<string, unknown> }[] = [];
  for (const doc of [
    'README.md',
    'docs/config.md',
    'docs/limits.md',
    'docs/gateway.md',
    'docs/engine.md',
    'docs/context.md',
  ]) {
    let text: string;
    try {
      text = readFileSync(new URL(`../../${doc}`, import.meta.url), 'utf8');
    } catch {
      continue;
    }
    for (const match of text.matchAll(/```yaml\n([\s\S]*?)```/g)) {
      const config = parse(match[1]!) as Record<string, unknown> | null;
      if (config && typeof config === 'object' && Object.keys(config).every((k) => SECTIONS.has(k)))
        out.push({ where: `${doc}:${text.slice(0, match.index).split('\n').length}`, config });
    }
  }
  return out;
}

describe('config/config.schema.json', () => {
  it('is what the zod schema generates (run npm run schema after changing the config schema)', () => {
    expect(file).toBe(configJsonSchemaText());
  });

  it('is named by config/default.yaml for editors, and exported by the package', () => {
    const yaml = readFileSync(new URL('../../config/default.yaml', import.meta.url), 'utf8');
    expect(yaml.split('\n')[0]).toBe('# yaml-language-server: $schema=./config.schema.json');
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
    expect(pkg.exports['./config.schema.json']).toBe('./config/config.schema.json');
    expect(pkg.files).toContain('config');
  });

  it('accepts config/default.yaml', () => {
    const yaml = readFileSync(new URL('../../config/default.yaml', import.meta.url), 'utf8');
    expect(validate(parse(yaml)), JSON.stringify(validate.errors)).toBe(true);
  });

  it('accepts every config example in the docs', () => {
    const examples = docExamples();
    expect(examples.length).toBeGreaterThanOrEqual(3);
    for (const { where, config } of examples) {
      expect(validate(config), `${where}: ${JSON.stringify(validate.errors)}`).toBe(true);
    }
  });

  it('refuses what the loader refuses: a typo, a value out of range, a wrong type', () => {
    const base = { providers: { openai: { apiKey: 'k' } } };
    expect(validate({ ...base, policy: { retry: { maxAttemps: 3 } } })).toBe(false);
    expect(validate({ ...base, policy: { retry: { maxAttempts: 0 } } })).toBe(false);
    expect(validate({ ...base, routes: { chat: { tiers: 'openai/gpt-4o' } } })).toBe(false);
    expect(validate({ providers: { openai: { apiKey: 42 } } })).toBe(false);
    // An environment reference stands for any value until it is read.
    expect(
      validate({ ...base, policy: { timeouts: { deadlineMs: `$${'{'}DEADLINE_MS:-120000}` } } }),
    ).toBe(true);
  });
});
