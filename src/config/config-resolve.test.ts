// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${NAME} in plain strings is the syntax under test.
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ConfigError, DEFAULT_POLICY } from './config-defaults.ts';
import { parseTarget, resolveConfig, resolveRoute, resolveTarget } from './config-resolve.ts';
import type { BreakwaterConfig } from './config-types.ts';

const env = {};
const base: BreakwaterConfig = { providers: { openai: {}, anthropic: {} } };

function resolve(config: unknown, e: Record<string, string> = env) {
  return resolveConfig(config as BreakwaterConfig, { env: e });
}

/** The single issue's rendered message (path: message). */
function problem(config: unknown, e: Record<string, string> = env): string {
  try {
    resolve(config, e);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).code).toBe('validation');
    return (err as ConfigError).message;
  }
  throw new Error('expected the config to be rejected');
}

const withPolicy = (policy: unknown) => ({ ...base, policy });
const withRoute = (route: unknown) => ({ ...base, routes: { chat: route } });

describe('resolveConfig: defaults', () => {
  it('fills every default once', () => {
    const config = resolve(base);
    expect(config.policy).toEqual(DEFAULT_POLICY);
    expect(config.cacheMaxBytes).toBe(64 * 1024 * 1024);
    expect(config.routes.size).toBe(0);
    const openai = config.providers.get('openai')!;
    expect(openai).toMatchObject({
      name: 'openai',
      dialect: 'openai',
      baseUrl: 'https://api.openai.com',
      apiKey: undefined,
      headers: {},
    });
    expect(config.providers.get('anthropic')).toMatchObject({
      dialect: 'anthropic',
      baseUrl: 'https://api.anthropic.com',
    });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(openai)).toBe(true);
    expect(Object.isFrozen(config.policy.retry)).toBe(true);
  });

  it('accepts a provider written with no body (YAML `openai:`)', () => {
    expect(resolve({ providers: { openai: null } }).providers.get('openai')?.dialect).toBe(
      'openai',
    );
  });

  it('takes numbers and booleans from env strings', () => {
    const config = resolve(
      withPolicy({ retry: { maxAttempts: '${RETRIES:-5}' }, cache: { allowStale: '${STALE}' } }),
      { STALE: 'false' },
    );
    expect(config.policy.retry.maxAttempts).toBe(5);
    expect(config.policy.cache.allowStale).toBe(false);
  });
});

describe('resolveConfig: providers', () => {
  it.each([
    ['https://api.groq.com/openai/v1', 'https://api.groq.com/openai'],
    ['https://api.groq.com/openai/v1/', 'https://api.groq.com/openai'],
    ['http://127.0.0.1:8080/', 'http://127.0.0.1:8080'],
    ['https://proxy.example.com/llm', 'https://proxy.example.com/llm'],
    ['https://api.openai.com/v1', 'https://api.openai.com'],
  ])('normalises baseUrl %s to %s', (given, expected) => {
    const config = resolve({ providers: { groq: { dialect: 'openai', baseUrl: given } } });
    expect(config.providers.get('groq')?.baseUrl).toBe(expected);
  });

  it('requires a dialect for a provider not named openai or anthropic', () => {
    expect(problem({ providers: { groq: { baseUrl: 'https://api.groq.com/openai' } } })).toBe(
      'providers.groq.dialect: required for a provider not named openai or anthropic — write dialect: openai (Chat Completions) or dialect: anthropic (Messages)',
    );
    expect(problem({ providers: { groq: { dialect: 'gemini' } } })).toBe(
      'providers.groq.dialect: expected openai or anthropic, got "gemini"',
    );
  });

  it('rejects a baseUrl that is not http(s), or carries credentials or a query, without echoing it', () => {
    expect(problem({ providers: { openai: { baseUrl: 'ftp://x.example' } } })).toBe(
      'providers.openai.baseUrl: expected an http or https URL, got the ftp: scheme',
    );
    const creds = problem({ providers: { openai: { baseUrl: 'https://u:hunter2@x.example' } } });
    expect(creds).toMatch(/^providers\.openai\.baseUrl: must not contain credentials/);
    expect(creds).not.toContain('hunter2');
    const query = problem({ providers: { openai: { baseUrl: 'https://x.example/?key=abc123' } } });
    expect(query).toMatch(/must not have a query/);
    expect(query).not.toContain('abc123');
    expect(problem({ providers: { openai: { baseUrl: 'api.openai.com' } } })).toMatch(
      /^providers\.openai\.baseUrl: "api\.openai\.com" is not a URL — write it in full/,
    );
  });

  it('rejects provider names holding a slash', () => {
    expect(problem({ providers: { 'a/b': { dialect: 'openai' } } })).toMatch(
      /^providers\["a\/b"\]: a provider name is letters, digits/,
    );
  });

  it('reads apiKey as a key, a list or a function; a missing env var or empty key means none', () => {
    const fn = () => 'sk-from-fn';
    const config = resolve(
      {
        providers: {
          openai: { apiKey: '${OPENAI_API_KEY}' },
          anthropic: { apiKey: ['${A1}', ' sk-two ', ''] },
          one: { dialect: 'openai', apiKey: 'sk-one' },
          fn: { dialect: 'openai', apiKey: fn },
          empty: { dialect: 'openai', apiKey: [] },
        },
      },
      { A1: 'sk-one-a' },
    );
    expect(config.providers.get('openai')?.apiKey).toBeUndefined();
    expect(config.providers.get('anthropic')?.apiKey).toEqual(['sk-one-a', 'sk-two']);
    expect(config.providers.get('one')?.apiKey).toBe('sk-one');
    expect(config.providers.get('fn')?.apiKey).toBe(fn);
    expect(config.providers.get('empty')?.apiKey).toBeUndefined();
  });

  it('never shows a key in the JSON or inspect output of a provider, nor in an error', () => {
    const config = resolve({
      providers: { openai: { apiKey: 'sk-secret-1' }, anthropic: { apiKey: ['sk-secret-2'] } },
    });
    const text = JSON.stringify([...config.providers.values()]) + inspect(config, { depth: 9 });
    expect(text).not.toContain('sk-secret');
    expect(text).toContain('[redacted]');
    const message = problem({ providers: { openai: { apiKey: ['sk-secret-3', 42] } } });
    expect(message).toBe('providers.openai.apiKey[1]: expected a string, got a number');
    expect(problem({ providers: { openai: { apiKey: { key: 'sk-secret-4' } } } })).toBe(
      'providers.openai.apiKey: expected a key, a list of keys or a function, got an object',
    );
  });

  it('checks headers: names are tokens, values strings (never echoed)', () => {
    const config = resolve({ providers: { anthropic: { headers: { 'anthropic-beta': 'x' } } } });
    expect(config.providers.get('anthropic')?.headers).toEqual({ 'anthropic-beta': 'x' });
    expect(problem({ providers: { openai: { headers: { 'bad name': 'x' } } } })).toBe(
      'providers.openai.headers["bad name"]: is not a valid HTTP header name',
    );
    expect(problem({ providers: { openai: { headers: { 'OpenAI-Project': 7 } } } })).toBe(
      'providers.openai.headers.OpenAI-Project: expected a string, got a number',
    );
  });

  it('requires at least one provider', () => {
    expect(problem({ providers: {} })).toMatch(/^providers: required: at least one provider/);
    expect(problem({ routes: {} })).toMatch(/^providers: required/);
    expect(problem(null)).toMatch(/the config is empty/);
  });
});

describe('resolveConfig: policy values', () => {
  it.each([
    [
      { retry: { maxAttempts: 0 } },
      'policy.retry.maxAttempts: expected an integer from 1 to 10, got 0',
    ],
    [
      { retry: { maxAttempts: 2.5 } },
      'policy.retry.maxAttempts: expected an integer from 1 to 10, got 2.5',
    ],
    [
      { retry: { budgetRatio: 1.5 } },
      'policy.retry.budgetRatio: expected a number from 0 to 1, got 1.5',
    ],
    [
      { timeouts: { connectMs: '5s' } },
      'policy.timeouts.connectMs: expected an integer from 1 to 300000 (milliseconds), got "5s" — durations are plain numbers of milliseconds: 5 s is 5000',
    ],
    [
      { timeouts: { deadlineMs: -1 } },
      'policy.timeouts.deadlineMs: expected an integer from 1 to 86400000 (milliseconds), got -1',
    ],
    [
      { breaker: { failureRate: 2 } },
      'policy.breaker.failureRate: expected a number from 0 to 1, got 2',
    ],
    [
      { cache: { mode: 'sometimes' } },
      'policy.cache.mode: expected one of off, fallback, always, got "sometimes"',
    ],
    [
      { cache: { mode: false } },
      'policy.cache.mode: expected one of off, fallback, always, got false',
    ],
    [
      { cache: { allowStale: 'yes' } },
      'policy.cache.allowStale: expected true or false, got "yes"',
    ],
    [
      { retry: { baseMs: 2000, capMs: 1000 } },
      'policy.retry.capMs: must be at least retry.baseMs (2000), got 1000',
    ],
    [
      { breaker: { maxOpenMs: 1000 } },
      'policy.breaker.maxOpenMs: must be at least breaker.openMs (30000), got 1000',
    ],
    [{ retry: 4 }, 'policy.retry: expected a mapping, got 4'],
  ])('rejects %j', (policy, message) => {
    expect(problem(withPolicy(policy))).toBe(message);
  });

  it('checks cache.maxBytes', () => {
    expect(resolve({ ...base, cache: { maxBytes: 1024 } }).cacheMaxBytes).toBe(1024);
    expect(problem({ ...base, cache: { maxBytes: -1 } })).toBe(
      'cache.maxBytes: expected an integer from 0 to 17179869184 (bytes), got -1',
    );
  });
});

describe('resolveConfig: unknown keys', () => {
  it.each([
    [
      { ...base, polcy: {} },
      'polcy: unknown option "polcy" — did you mean "policy"? (allowed here: providers, routes, policy, cache, idempotency, limits, budgets, catalog, telemetry, store)',
    ],
    [
      { providers: { openai: { apikey: 'x' } } },
      'providers.openai.apikey: unknown option "apikey" — did you mean "apiKey"? (allowed here: dialect, baseUrl, apiKey, headers, breaker)',
    ],
    [
      withPolicy({ retyr: {} }),
      'policy.retyr: unknown option "retyr" — did you mean "retry"? (allowed here: retry, timeouts, breaker, cache, hedge)',
    ],
    [
      withPolicy({ retry: { maxAttemps: 3 } }),
      'policy.retry.maxAttemps: unknown option "maxAttemps" — did you mean "maxAttempts"? (allowed here: maxAttempts, baseMs, capMs, maxRetryDelayMs, budgetRatio, failoverAfterMs)',
    ],
    [
      withPolicy({ timeouts: { totalMs: 3 } }),
      'policy.timeouts.totalMs: unknown option "totalMs" (allowed here: connectMs, firstByteMs, idleMs, deadlineMs, maxStreamMs)',
    ],
    [
      withRoute({ tier: ['openai/gpt-4o'], tiers: ['openai/gpt-4o'] }),
      'routes.chat.tier: unknown option "tier" — did you mean "tiers"? (allowed here: tiers, contextFallback, onContextOverflow, summaryRoute, staticMessage, onRefusal, coalesce, policy)',
    ],
    [
      withRoute({ tiers: ['openai/x'], policy: { cache: { ttl: 5 } } }),
      'routes.chat.policy.cache.ttl: unknown option "ttl" — did you mean "ttlMs"? (allowed here: mode, ttlMs, allowStale)',
    ],
    [
      { ...base, cache: { maxbytes: 5 } },
      'cache.maxbytes: unknown option "maxbytes" — did you mean "maxBytes"? (allowed here: maxBytes)',
    ],
  ])('reports %j', (config, message) => {
    expect(problem(config)).toBe(message);
  });

  it('ignores keys whose value is undefined (optional fields of a TypeScript object)', () => {
    expect(() => resolve({ ...base, extra: undefined })).not.toThrow();
  });

  it('lists every problem, each with its path', () => {
    try {
      resolve({
        providers: { openai: { apikey: 'x' } },
        policy: { retry: { maxAttempts: 0, baseMs: 0 } },
      });
      expect.unreachable();
    } catch (err) {
      const e = err as ConfigError;
      expect(e.issues.map((i) => i.path.join('.'))).toEqual([
        'providers.openai.apikey',
        'policy.retry.maxAttempts',
        'policy.retry.baseMs',
      ]);
      expect(e.message).toMatch(/^3 problems in the config:\n {2}providers\.openai\.apikey: /);
      expect(e.param).toBe('providers.openai.apikey');
    }
  });
});

describe('resolveConfig: routes', () => {
  it('resolves tiers to targets, a tier of several targets, contextFallback and staticMessage', () => {
    const config = resolve({
      ...base,
      routes: {
        chat: {
          tiers: ['openai/gpt-4o-mini', ['anthropic/claude-haiku-4-5', 'openai/gpt-4.1-mini']],
          contextFallback: 'anthropic/claude-sonnet-4-5',
          staticMessage: 'Busy, try again soon.',
        },
      },
    });
    const chat = config.routes.get('chat')!;
    expect(chat.tiers.map((tier) => tier.map((t) => t.id))).toEqual([
      ['openai/gpt-4o-mini'],
      ['anthropic/claude-haiku-4-5', 'openai/gpt-4.1-mini'],
    ]);
    expect(chat.tiers[0]?.[0]?.provider).toBe(config.providers.get('openai'));
    expect(chat.tiers[0]?.[0]?.model).toBe('gpt-4o-mini');
    expect(chat.contextFallback?.id).toBe('anthropic/claude-sonnet-4-5');
    expect(chat.staticMessage).toBe('Busy, try again soon.');
    expect(chat.policy).toBe(config.policy);
  });

  it('names the unknown provider and lists the known ones', () => {
    expect(problem(withRoute({ tiers: ['openai/gpt-4o', 'anthropc/claude-sonnet-4-5'] }))).toBe(
      'routes.chat.tiers[1]: unknown provider "anthropc" in "anthropc/claude-sonnet-4-5" — providers are: openai, anthropic (did you mean "anthropic"?)',
    );
    expect(problem(withRoute({ tiers: [['openai/a', 'groq/b']] }))).toMatch(
      /^routes\.chat\.tiers\[0\]\[1\]: unknown provider "groq"/,
    );
    expect(problem(withRoute({ tiers: ['openai/a'], contextFallback: 'nope/x' }))).toMatch(
      /^routes\.chat\.contextFallback: unknown provider "nope"/,
    );
  });

  it.each([
    [
      {},
      'routes.chat.tiers: required: the targets to try in order, e.g. tiers: [openai/gpt-4o-mini, anthropic/claude-haiku-4-5]',
    ],
    [
      { tiers: [] },
      'routes.chat.tiers: expected a non-empty list of targets, e.g. tiers: [openai/gpt-4o-mini, anthropic/claude-haiku-4-5]; got a list',
    ],
    [
      { tiers: 'openai/gpt-4o' },
      'routes.chat.tiers: expected a non-empty list of targets, e.g. tiers: [openai/gpt-4o-mini, anthropic/claude-haiku-4-5]; got "openai/gpt-4o"',
    ],
    [{ tiers: [[]] }, 'routes.chat.tiers[0]: a tier needs at least one target'],
    [
      { tiers: ['gpt-4o'] },
      'routes.chat.tiers[0]: "gpt-4o" is not a target — write provider/model, e.g. "openai/gpt-4o"',
    ],
    [
      { tiers: ['openai/'] },
      'routes.chat.tiers[0]: "openai/" is not a target — write provider/model',
    ],
    [{ tiers: [42] }, 'routes.chat.tiers[0]: expected a provider/model target, got 42'],
    [
      { tiers: ['chat'] },
      'routes.chat.tiers[0]: "chat" is not a target — write provider/model (a tier names targets, not other routes)',
    ],
    [
      { tiers: ['openai/x'], staticMessage: '' },
      'routes.chat.staticMessage: expected a non-empty string, got ""',
    ],
  ])('rejects route %j', (route, message) => {
    expect(problem(withRoute(route))).toBe(message);
  });

  it('does not cascade: a target of a provider that failed its own checks adds no second message', () => {
    const message = problem({
      providers: { groq: { baseUrl: 'https://x.example' } },
      routes: { fast: { tiers: ['groq/llama'] } },
    });
    expect(message).toMatch(/^providers\.groq\.dialect: required/);
  });

  it('splits a target at the first slash', () => {
    expect(parseTarget('openrouter/meta-llama/llama-3.1-8b')).toEqual({
      provider: 'openrouter',
      model: 'meta-llama/llama-3.1-8b',
    });
    expect(parseTarget('gpt-4o')).toBeUndefined();
    expect(parseTarget('/gpt-4o')).toBeUndefined();
    expect(parseTarget('openai/gpt 4o')).toBeUndefined();
    const config = resolve({
      providers: { openrouter: { dialect: 'openai', baseUrl: 'https://openrouter.ai/api/v1' } },
      routes: { llama: { tiers: ['openrouter/meta-llama/llama-3.1-8b'] } },
    });
    expect(config.routes.get('llama')?.tiers[0]?.[0]?.model).toBe('meta-llama/llama-3.1-8b');
  });
});

describe('route policy merging', () => {
  it('merges the route overrides over the global policy, option by option', () => {
    const config = resolve({
      ...base,
      policy: { retry: { maxAttempts: 3, baseMs: 500 }, cache: { mode: 'fallback' } },
      routes: {
        chat: {
          tiers: ['openai/gpt-4o-mini'],
          policy: {
            retry: { baseMs: 200 },
            timeouts: { deadlineMs: 30000 },
            cache: { ttlMs: 60000 },
          },
        },
        plain: { tiers: ['openai/gpt-4o'] },
      },
    });
    const chat = config.routes.get('chat')!.policy;
    expect(chat.retry).toEqual({ ...DEFAULT_POLICY.retry, maxAttempts: 3, baseMs: 200 });
    expect(chat.timeouts).toEqual({ ...DEFAULT_POLICY.timeouts, deadlineMs: 30000 });
    expect(chat.cache).toEqual({ mode: 'fallback', ttlMs: 60000, allowStale: true });
    expect(chat.breaker).toBe(config.policy.breaker);
    expect(config.routes.get('plain')!.policy).toBe(config.policy);
  });

  it('checks cross-field rules against the merged values, naming the route path', () => {
    expect(
      problem({
        ...base,
        policy: { retry: { baseMs: 5000 } },
        routes: { chat: { tiers: ['openai/x'], policy: { retry: { capMs: 2000 } } } },
      }),
    ).toBe('routes.chat.policy.retry.capMs: must be at least retry.baseMs (5000), got 2000');
  });
});

describe('resolveConfig: breaker settings belong to the target', () => {
  it("gives each provider the global breaker with the provider's own options over it", () => {
    const config = resolve({
      providers: { openai: { breaker: { minimumCalls: 20, openMs: 10_000 } }, anthropic: {} },
      policy: { breaker: { failureRate: 0.6 } },
    });
    expect(config.providers.get('openai')!.breaker).toEqual({
      ...DEFAULT_POLICY.breaker,
      failureRate: 0.6,
      minimumCalls: 20,
      openMs: 10_000,
    });
    expect(config.providers.get('anthropic')!.breaker).toBe(config.policy.breaker);
  });

  it("refuses a route's breaker settings, saying where they go", () => {
    expect(problem(withRoute({ tiers: ['openai/x'], policy: { breaker: { openMs: 5000 } } }))).toBe(
      'routes.chat.policy.breaker: breaker settings belong to the target, shared by every route that reaches it — set them under providers.<provider>.breaker (or the global policy.breaker), not in a route',
    );
  });

  it("checks a provider's breaker options like the global ones", () => {
    expect(problem({ providers: { openai: { breaker: { minimumCalls: 0 } } } })).toBe(
      'providers.openai.breaker.minimumCalls: expected an integer from 1 to 100000, got 0',
    );
    expect(problem({ providers: { openai: { breaker: { maxOpenMs: 1000 } } } })).toBe(
      'providers.openai.breaker.maxOpenMs: must be at least breaker.openMs (30000), got 1000',
    );
  });
});

describe('resolveRoute and resolveTarget', () => {
  const config = resolve({
    ...base,
    routes: {
      chat: { tiers: ['openai/gpt-4o-mini'] },
      'openai/gpt-4o': { tiers: ['anthropic/claude'] },
    },
  });

  it('returns a named route first', () => {
    expect(resolveRoute(config, 'chat')).toBe(config.routes.get('chat'));
    expect(resolveRoute(config, 'openai/gpt-4o')?.tiers[0]?.[0]?.id).toBe('anthropic/claude');
  });

  it('makes a known provider/model a one-tier route with the global policy', () => {
    const route = resolveRoute(config, 'anthropic/claude-sonnet-4-5')!;
    expect(route.name).toBe('anthropic/claude-sonnet-4-5');
    expect(route.tiers).toHaveLength(1);
    expect(route.tiers[0]?.map((t) => t.id)).toEqual(['anthropic/claude-sonnet-4-5']);
    expect(route.tiers[0]?.[0]?.provider).toBe(config.providers.get('anthropic'));
    expect(route.policy).toBe(config.policy);
    expect(route.staticMessage).toBeUndefined();
    expect(resolveRoute(config, 'anthropic/claude-sonnet-4-5')).toBe(route);
  });

  it('returns undefined for an unknown provider or a bare model name', () => {
    expect(resolveRoute(config, 'mistral/large')).toBeUndefined();
    expect(resolveRoute(config, 'gpt-4o-mini')).toBeUndefined();
    expect(resolveTarget(config, 'mistral/large')).toBeUndefined();
  });

  it('gives one target object per id, shared with the routes', () => {
    const target = resolveTarget(config, 'openai/gpt-4o-mini');
    expect(target).toBe(config.routes.get('chat')?.tiers[0]?.[0]);
    expect(resolveTarget(config, 'openai/o3')).toBe(resolveTarget(config, 'openai/o3'));
  });
});

describe('resolveConfig: onRefusal', () => {
  it('defaults to answer, accepts fallback, and names the field it rejects', () => {
    const base = { providers: { openai: { apiKey: 'k' } } };
    const routes = (onRefusal: unknown) => ({
      ...base,
      routes: { chat: { tiers: ['openai/gpt-4o'], onRefusal } },
    });
    expect(
      resolveConfig({ ...base, routes: { chat: { tiers: ['openai/gpt-4o'] } } }).routes.get('chat')
        ?.onRefusal,
    ).toBe('answer');
    expect(resolveConfig(routes('fallback') as never).routes.get('chat')?.onRefusal).toBe(
      'fallback',
    );
    expect(() => resolveConfig(routes('retry') as never)).toThrow(
      'routes.chat.onRefusal: expected "answer"',
    );
  });
});

describe('resolveConfig: coalesce and idempotency', () => {
  it('defaults coalesce to false, accepts true, and names the field it rejects', () => {
    expect(resolve(withRoute({ tiers: ['openai/gpt-4o'] })).routes.get('chat')?.coalesce).toBe(
      false,
    );
    expect(
      resolve(withRoute({ tiers: ['openai/gpt-4o'], coalesce: 'true' })).routes.get('chat')
        ?.coalesce,
    ).toBe(true);
    expect(resolveRoute(resolve(base), 'openai/gpt-4o')?.coalesce).toBe(false);
    expect(problem(withRoute({ tiers: ['openai/gpt-4o'], coalesce: 'yes' }))).toBe(
      'routes.chat.coalesce: expected true or false, got "yes"',
    );
  });

  it('fills the idempotency defaults and checks each option', () => {
    expect(resolve(base).idempotency).toEqual({ ttlMs: 86_400_000, maxBytes: 67_108_864 });
    expect(resolve({ ...base, idempotency: { ttlMs: '60000' } }).idempotency.ttlMs).toBe(60_000);
    expect(problem({ ...base, idempotency: { ttlMs: 0 } })).toBe(
      'idempotency.ttlMs: expected an integer from 1 to 2592000000 (milliseconds), got 0',
    );
    expect(problem({ ...base, idempotency: { ttl: 5 } })).toContain(
      'idempotency.ttl: unknown option "ttl" — did you mean "ttlMs"?',
    );
  });
});
