import { describe, expect, it } from 'vitest';
import { normalizeOrigin } from './origin.ts';
import { createUpstreamPool, UPSTREAM_POOL_DEFAULTS } from './upstream-pool.ts';

describe('UpstreamPool', () => {
  it('dials only configured origins, whatever path the config wrote', async () => {
    const pool = createUpstreamPool({ origins: ['https://api.openai.com/v1'] });
    expect(pool.origins).toEqual(['https://api.openai.com']);
    expect(pool.dispatcher('https://api.openai.com')).toBeDefined();
    expect(() => pool.dispatcher('https://evil.example')).toThrow(
      'upstream origin https://evil.example is not configured (configured: https://api.openai.com)',
    );
    await pool.close();
  });

  it('keeps one dispatcher per origin and connect timeout', async () => {
    const pool = createUpstreamPool({ origins: ['https://api.anthropic.com'] });
    const a = pool.dispatcher('https://api.anthropic.com');
    expect(pool.dispatcher('https://api.anthropic.com')).toBe(a);
    expect(pool.dispatcher('https://api.anthropic.com/', 5_000)).toBe(a);
    expect(pool.dispatcher('https://api.anthropic.com', 1_000)).not.toBe(a);
    expect(Object.keys(pool.stats())).toEqual([
      'https://api.anthropic.com 5000',
      'https://api.anthropic.com 1000',
    ]);
    await pool.close();
  });

  it('defaults the connect timeout to 5 s and validates options eagerly, naming them', () => {
    expect(createUpstreamPool({ origins: [] }).connectTimeoutMs).toBe(5_000);
    expect(UPSTREAM_POOL_DEFAULTS.connections).toBe(2048);
    expect(() => createUpstreamPool({ origins: [], connections: 0 })).toThrow('`connections`');
    expect(() => createUpstreamPool({ origins: [], connectTimeoutMs: -1 })).toThrow(
      '`connectTimeoutMs`',
    );
    expect(() => createUpstreamPool({ origins: ['ftp://x'] })).toThrow('http or https');
    expect(() => createUpstreamPool({ origins: ['not a url'] })).toThrow('upstream origin');
  });

  it('refuses new work once closed', async () => {
    const pool = createUpstreamPool({ origins: ['https://api.openai.com'] });
    pool.dispatcher('https://api.openai.com');
    await pool.destroy();
    expect(pool.closed).toBe(true);
    expect(() => pool.dispatcher('https://api.openai.com')).toThrow('closed');
  });
});

describe('normalizeOrigin', () => {
  it('keeps scheme, host and a non-default port', () => {
    expect(normalizeOrigin('http://127.0.0.1:8701/v1/')).toBe('http://127.0.0.1:8701');
    expect(normalizeOrigin('https://api.openai.com:443')).toBe('https://api.openai.com');
  });
});
