// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${NAME} in config text is the syntax under test.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, DEFAULT_POLICY } from './config-defaults.ts';
import { DEFAULT_CONFIG_FILE, loadConfig, loadConfigFile } from './config-load.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'breakwater-config-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function file(name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

async function failure(path: string, env: Record<string, string> = {}): Promise<ConfigError> {
  const err = await loadConfigFile(path, { env }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(ConfigError);
  expect((err as ConfigError).code).toBe('validation');
  return err as ConfigError;
}

const YAML = `
providers:
  openai:
    apiKey: \${OPENAI_API_KEY}
  groq:
    dialect: openai
    baseUrl: https://api.groq.com/openai/v1
policy:
  retry: { maxAttempts: 3 }
  cache: { mode: off }
routes:
  chat:
    tiers: [openai/gpt-4o-mini, groq/llama-3.1-8b-instant]
    policy:
      cache: { mode: fallback }
`;

describe('loadConfigFile', () => {
  it('loads YAML, interpolating the environment', async () => {
    const config = await loadConfigFile(await file('a.yaml', YAML), {
      env: { OPENAI_API_KEY: 'sk-1' },
    });
    expect(config.providers.get('openai')?.apiKey).toBe('sk-1');
    expect(config.providers.get('groq')?.baseUrl).toBe('https://api.groq.com/openai');
    expect(config.policy.retry.maxAttempts).toBe(3);
    // YAML 1.2: `off` is a string, not false.
    expect(config.policy.cache.mode).toBe('off');
    expect(config.routes.get('chat')?.policy.cache.mode).toBe('fallback');
    expect(config.routes.get('chat')?.policy.retry.maxAttempts).toBe(3);
  });

  it('loads JSON, and .yml, and takes a file URL', async () => {
    const json = JSON.stringify({
      providers: { anthropic: {} },
      routes: { r: { tiers: ['anthropic/claude'] } },
    });
    const config = await loadConfigFile(pathToFileURL(await file('b.json', json)));
    expect(config.routes.get('r')?.tiers[0]?.[0]?.id).toBe('anthropic/claude');
    const yml = await loadConfigFile(await file('c.yml', 'providers: { openai: {} }'));
    expect(yml.policy).toEqual(DEFAULT_POLICY);
  });

  it('supports YAML anchors and << merge keys', async () => {
    const text = `
providers: { openai: {} }
x-fast: &fast { timeouts: { deadlineMs: 5000 } }
`;
    // An unknown top-level key is still an error, anchors or not.
    expect((await failure(await file('anchor-bad.yaml', text))).message).toMatch(
      /x-fast: unknown option/,
    );
    const ok = `
providers: { openai: {} }
routes:
  a: { tiers: [openai/a], policy: &fast { timeouts: { deadlineMs: 5000 } } }
  b:
    tiers: [openai/b]
    policy:
      <<: *fast
      retry: { maxAttempts: 2 }
`;
    const config = await loadConfigFile(await file('anchor.yaml', ok));
    expect(config.routes.get('b')?.policy.timeouts.deadlineMs).toBe(5000);
    expect(config.routes.get('b')?.policy.retry.maxAttempts).toBe(2);
  });

  it('names the file, line and column of a YAML syntax error', async () => {
    const path = await file(
      'broken.yaml',
      'providers:\n  openai: {}\nroutes:\n  chat:\n    tiers: [openai/a,\n',
    );
    const err = await failure(path);
    expect(err.file).toBe(path);
    expect(err.issues[0]).toMatchObject({ line: 6, column: 1 });
    expect(err.message).toMatch(new RegExp(`^${escapeRegExp(path)}:6:1: syntax error: `));
  });

  it('names the file, line and column of a JSON syntax error', async () => {
    const path = await file(
      'broken.json',
      '{\n  "providers": {\n    "openai": {}\n    "anthropic": {}\n  }\n}',
    );
    expect((await failure(path)).message).toBe(
      `${path}:4:5: syntax error: Expected ',' or '}' after property value`,
    );
    // V8 gives no position for this one; the YAML reader finds it.
    const token = await file('token.json', '{\n  "providers": x\n}');
    expect((await failure(token)).message).toBe(
      `${token}:2:16: syntax error: Unexpected token 'x'`,
    );
  });

  it('rejects duplicate keys, in YAML and in JSON', async () => {
    const yaml = await file('dup.yaml', 'providers:\n  openai: {}\n  openai: {}\n');
    expect((await failure(yaml)).message).toBe(
      `${yaml}:3:3: syntax error: duplicate key "openai" — keys must be unique in a mapping`,
    );
    const json = await file('dup.json', '{"providers": {"openai": {}},\n "providers": {}}');
    expect((await failure(json)).message).toMatch(/:2:2: syntax error: duplicate key "providers"/);
  });

  it('names the file, line and column of the value a validation error is about', async () => {
    const path = await file(
      'invalid.yaml',
      'providers:\n  openai: {}\npolicy:\n  retry:\n    maxAttempts: 0\nroutes:\n  chat:\n    tiers:\n      - openai/x\n      - anthropc/y\n',
    );
    const err = await failure(path);
    expect(err.message).toBe(
      [
        '2 problems in the config:',
        `  ${path}:5:18: policy.retry.maxAttempts: expected an integer from 1 to 10, got 0`,
        `  ${path}:10:9: routes.chat.tiers[1]: unknown provider "anthropc" in "anthropc/y" — providers are: openai`,
      ].join('\n'),
    );
    const typo = await file('typo.yaml', 'providers:\n  openai:\n    apikey: x\n');
    expect((await failure(typo)).message).toMatch(
      /typo\.yaml:3:13: providers\.openai\.apikey: unknown option/,
    );
  });

  it('names the file for a missing variable, unreadable file and unknown format', async () => {
    const env = await file(
      'env.yaml',
      'providers:\n  groq:\n    dialect: openai\n    baseUrl: ${GROQ_URL}\n',
    );
    expect((await failure(env)).message).toMatch(
      /env\.yaml:4:14: providers\.groq\.baseUrl: environment variable GROQ_URL is not set/,
    );
    const missing = join(dir, 'nope.yaml');
    expect((await failure(missing)).message).toBe(
      `${missing}: cannot read the config file (no such file)`,
    );
    const toml = await file('x.toml', '');
    expect((await failure(toml)).message).toBe(
      `${toml}: unknown config format ".toml" — use .yaml, .yml or .json`,
    );
    expect((await failure(await file('empty.yaml', ''))).message).toMatch(/the config is empty/);
  });
});

describe('loadConfig', () => {
  it('takes an object or a path', async () => {
    const fromObject = await loadConfig(
      { providers: { openai: { apiKey: '${K:-sk-d}' } } },
      { env: {} },
    );
    expect(fromObject.providers.get('openai')?.apiKey).toBe('sk-d');
    const fromPath = await loadConfig(await file('d.yaml', YAML), { env: {} });
    expect(fromPath.routes.has('chat')).toBe(true);
  });
});

describe('config/default.yaml', () => {
  it('loads with no keys in the environment: no key configured', async () => {
    const config = await loadConfigFile(DEFAULT_CONFIG_FILE, { env: {} });
    expect(config.providers.get('openai')?.apiKey).toBeUndefined();
    expect(config.providers.get('anthropic')?.apiKey).toBeUndefined();
    expect(config.policy).toEqual(DEFAULT_POLICY);
    const chat = config.routes.get('chat')!;
    expect(chat.tiers.map((t) => t[0]?.id)).toEqual([
      'openai/gpt-4o-mini',
      'anthropic/claude-haiku-4-5',
    ]);
    expect(chat.policy.cache.mode).toBe('fallback');
    expect(chat.staticMessage).toMatch(/try again/);
    expect(config.routes.get('smart')?.tiers.map((t) => t[0]?.id)).toEqual([
      'openai/gpt-4o',
      'anthropic/claude-sonnet-4-5',
    ]);
  });

  it('picks up keys from the environment', async () => {
    const config = await loadConfigFile(DEFAULT_CONFIG_FILE, {
      env: { OPENAI_API_KEY: 'sk-o', ANTHROPIC_API_KEY: 'sk-a' },
    });
    expect(config.providers.get('openai')?.apiKey).toBe('sk-o');
    expect(config.providers.get('anthropic')?.apiKey).toBe('sk-a');
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
