// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${NAME} in plain strings is the syntax under test.
import { describe, expect, it } from 'vitest';
import { ConfigError } from './config-defaults.ts';
import { interpolateEnv, interpolateString, isApiKeyPath } from './env-interpolate.ts';

const env = { HOST: 'example.com', EMPTY: '', PORT: '8080' };

function fails(tree: unknown, e = env): ConfigError {
  try {
    interpolateEnv(tree, { env: e });
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('expected interpolation to fail');
}

describe('interpolateString', () => {
  it('replaces ${NAME}, several times and mid-string', () => {
    expect(interpolateString('https://${HOST}:${PORT}/x', env)).toEqual({
      value: 'https://example.com:8080/x',
    });
  });

  it('uses the default when the variable is unset or empty, like a shell', () => {
    expect(interpolateString('${NOPE:-fallback}', env)).toEqual({ value: 'fallback' });
    expect(interpolateString('${EMPTY:-fallback}', env)).toEqual({ value: 'fallback' });
    expect(interpolateString('${HOST:-fallback}', env)).toEqual({ value: 'example.com' });
    expect(interpolateString('${NOPE:-}', env)).toEqual({ value: '' });
    expect(interpolateString('${NOPE:-a:-b c}', env)).toEqual({ value: 'a:-b c' });
  });

  it('keeps a set-but-empty variable without a default as empty', () => {
    expect(interpolateString('[${EMPTY}]', env)).toEqual({ value: '[]' });
  });

  it('writes $${ as a literal ${ and leaves other dollars alone', () => {
    expect(interpolateString('$${HOST} costs $5 and $$', env)).toEqual({
      value: '${HOST} costs $5 and $$',
    });
    expect(interpolateString('$${HOST}=${HOST}', env)).toEqual({ value: '${HOST}=example.com' });
  });

  it('reports every missing variable and malformed references', () => {
    expect(interpolateString('${A}-${B}-${HOST}', env)).toEqual({ missing: ['A', 'B'] });
    expect(interpolateString('${HOST', env)).toHaveProperty('invalid');
    expect(interpolateString('${1X}', env)).toHaveProperty('invalid');
    expect(interpolateString('${A-b}', env)).toHaveProperty('invalid');
  });
});

describe('interpolateEnv', () => {
  it('interpolates every string value in the tree, never keys, and passes other values through', () => {
    const fn = () => 'k';
    const out = interpolateEnv(
      {
        '${HOST}': 'x',
        list: ['${HOST}', 3, true, null, { deep: '${PORT}' }],
        fn,
      },
      { env },
    );
    expect(out).toEqual({
      '${HOST}': 'x',
      list: ['example.com', 3, true, null, { deep: '8080' }],
      fn,
    });
    expect(out.fn).toBe(fn);
  });

  it('does not modify its input', () => {
    const input = { a: '${HOST}' };
    interpolateEnv(input, { env });
    expect(input.a).toBe('${HOST}');
  });

  it('names the path and the variable when one is missing, with the fix', () => {
    const err = fails({ providers: { groq: { baseUrl: 'https://${GROQ_HOST}/v1' } } });
    expect(err.code).toBe('validation');
    expect(err.message).toBe(
      'providers.groq.baseUrl: environment variable GROQ_HOST is not set — set it, or give a default: ${GROQ_HOST:-value}',
    );
    expect(err.param).toBe('providers.groq.baseUrl');
  });

  it('lists every problem at once', () => {
    const err = fails({ a: '${X}', b: ['${Y}'], c: '${bad name}' });
    expect(err.issues.map((i) => i.path)).toEqual([['a'], ['b', 0], ['c']]);
    expect(err.message).toMatch(/^3 problems in the config:/);
    expect(err.message).toContain('b[0]: environment variable Y is not set');
    expect(err.message).toContain('c: "${bad name}" is not a valid reference');
  });

  it('treats a missing variable at a provider apiKey as "no key configured"', () => {
    const out = interpolateEnv(
      {
        providers: {
          openai: { apiKey: '${OPENAI_API_KEY}' },
          anthropic: { apiKey: ['${K1}', '${HOST}', '${K3}'] },
          other: { apiKey: ['${K1}', '${K2}'] },
        },
      },
      { env },
    );
    expect(out.providers.openai).toEqual({});
    expect('apiKey' in out.providers.openai).toBe(false);
    expect(out.providers.anthropic.apiKey).toEqual(['example.com']);
    expect('apiKey' in out.providers.other).toBe(false);
  });

  it('never quotes text found at an apiKey path', () => {
    const err = fails({ providers: { openai: { apiKey: '${sk-secret-value}' } } });
    expect(err.message).not.toContain('sk-secret-value');
    expect(err.message).toMatch(/^providers\.openai\.apiKey: invalid/);
  });

  it('can be told which paths are optional', () => {
    const out = interpolateEnv({ a: '${X}', b: 'y' }, { env, isOptional: (p) => p[0] === 'a' });
    expect(out).toEqual({ b: 'y' });
  });

  it('defaults to process.env', () => {
    process.env.BREAKWATER_TEST_VAR = 'from-process';
    try {
      expect(interpolateEnv({ a: '${BREAKWATER_TEST_VAR}' })).toEqual({ a: 'from-process' });
    } finally {
      delete process.env.BREAKWATER_TEST_VAR;
    }
  });

  it('knows the apiKey paths', () => {
    expect(isApiKeyPath(['providers', 'openai', 'apiKey'])).toBe(true);
    expect(isApiKeyPath(['providers', 'openai', 'apiKey', 2])).toBe(true);
    expect(isApiKeyPath(['providers', 'openai', 'baseUrl'])).toBe(false);
    expect(isApiKeyPath(['routes', 'openai', 'apiKey'])).toBe(false);
  });
});
