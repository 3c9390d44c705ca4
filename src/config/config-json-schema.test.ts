/**
 * The published JSON Schema (config/config.schema.json, `breakwater/config.schema.json`): the file
 * is what the zod schema generates today, and a standard validator (ajv, draft 2020-12) accepts
 * config/default.yaml and every config example in the docs with it — and refuses a typo.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { CONFIG_JSON_SCHEMA_FILE, configJsonSchemaText } from './config-json-schema.ts';

const file = readFileSync(CONFIG_JSON_SCHEMA_FILE, 'utf8');
const validate = new Ajv2020({ allErrors: true, strict: false }).compile(JSON.parse(file));
const SCHEMA = JSON.parse(file) as { properties: Record<string, unknown> };
/** The config's top-level sections, as the schema names them. */
const SECTIONS = new Set(Object.keys(SCHEMA.properties));
/** YAML examples in the docs that are not configs, by their top-level keys. */
const OTHER_FILES: Readonly<Record<string, string>> = { keys: 'a client keys file' };

const root = new URL('../../', import.meta.url);
const DOCS = [
  'README.md',
  ...readdirSync(new URL('docs/', root))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`),
];

/**
 * Every ```yaml block of README.md and docs/*.md: each is a config (its top-level keys are config
 * sections) or one of OTHER_FILES — a block that is neither fails, rather than going unchecked.
 */
function docExamples(): { where: string; config: Record<string, unknown> }[] {
  const out: { where: string; config: Record<string, unknown> }[] = [];
  for (const doc of DOCS) {
    const text = readFileSync(new URL(doc, root), 'utf8');
    for (const match of text.matchAll(/```ya?ml\n([\s\S]*?)```/g)) {
      const where = `${doc}:${text.slice(0, match.index).split('\n').length}`;
      const config = parse(match[1]!) as Record<string, unknown> | null;
      const keys = Object.keys(config ?? {});
      if (keys.length > 0 && keys.every((k) => k in OTHER_FILES)) continue;
      expect(
        keys.length > 0 && keys.every((k) => SECTIONS.has(k)),
        `${where}: a yaml example that is neither a config nor one of ${Object.values(OTHER_FILES).join(', ')} (keys: ${keys.join(', ')})`,
      ).toBe(true);
      out.push({ where, config: config! });
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

  it('accepts every config example in README.md and docs/*.md', () => {
    const examples = docExamples();
    // config.md's three, limits.md's two and fleet.md's store: a glob that found none would pass.
    expect(examples.length).toBeGreaterThanOrEqual(6);
    expect(examples.some((e) => e.where.startsWith('docs/fleet.md'))).toBe(true);
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

  it('has every option it describes named in docs/config.md or docs/limits.md', () => {
    const docs = ['docs/config.md', 'docs/limits.md']
      .map((doc) => readFileSync(new URL(doc, root), 'utf8'))
      .join('\n');
    type Node = {
      $ref?: string;
      properties?: Record<string, Node>;
      additionalProperties?: Node | boolean;
      items?: Node;
      anyOf?: Node[];
      oneOf?: Node[];
    };
    const defs = (JSON.parse(file) as { $defs?: Record<string, Node> }).$defs ?? {};
    const options = new Map<string, string>();
    const walk = (node: Node | undefined, path: string[]) => {
      const at = node?.$ref ? defs[node.$ref.split('/').pop()!] : node;
      if (!at) return;
      for (const alt of at.anyOf ?? at.oneOf ?? []) walk(alt, path);
      for (const [key, value] of Object.entries(at.properties ?? {})) {
        options.set([...path, key].join('.'), key);
        walk(value, [...path, key]);
      }
      if (typeof at.additionalProperties === 'object')
        walk(at.additionalProperties, [...path, '*']);
      if (at.items) walk(at.items, [...path, '[]']);
    };
    walk(JSON.parse(file) as Node, []);
    expect(options.size).toBeGreaterThan(100);
    const missing = [...options].filter(
      ([, key]) => !new RegExp(`\`[^\`]*\\b${key}\\b`).test(docs) && !docs.includes(`${key}:`),
    );
    expect(missing.map(([option]) => option)).toEqual([]);
  });
});
