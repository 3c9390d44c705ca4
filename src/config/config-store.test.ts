// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${NAME} in plain strings is the interpolation syntax.
import { describe, expect, it } from 'vitest';
import { resolveConfig } from './config-resolve.ts';
import { parseStoreSection } from './config-store.ts';

const problems = (raw: unknown) =>
  parseStoreSection(raw).issues.map((i) => `${i.path.join('.')}: ${i.message}`);

describe('store config', () => {
  it('is memory by default and when it says so', () => {
    expect(parseStoreSection(undefined).value).toEqual({ kind: 'memory' });
    expect(parseStoreSection('memory').value).toEqual({ kind: 'memory' });
  });

  it('reads a Redis store with its defaults, from env interpolation too', () => {
    const config = resolveConfig(
      {
        providers: { openai: { apiKey: 'sk-x' } },
        store: { redis: { url: '${REDIS_URL}', fleetSize: '${FLEET:-3}' as unknown as number } },
      },
      { env: { REDIS_URL: 'rediss://user:secret@cache.internal:6380/2' } },
    );
    expect(config.store).toEqual({
      kind: 'redis',
      url: 'rediss://user:secret@cache.internal:6380/2',
      keyPrefix: 'breakwater:',
      fleetSize: 3,
      timeoutMs: 250,
    });
  });

  it('names the field and the fix, and never repeats a URL (it may hold a password)', () => {
    expect(problems('redis')).toEqual([
      'store: expected memory or a mapping { redis: { url } }, got "redis"',
    ]);
    expect(problems({ redis: {} })).toEqual([
      'store.redis.url: required: the Redis URL, e.g. redis://127.0.0.1:6379',
    ]);
    expect(problems({ redis: { url: 'http://u:hunter2@h:1' } })).toEqual([
      'store.redis.url: must start with redis:// or rediss:// (TLS), not http://',
    ]);
    expect(problems({ redis: { url: 'hunter2 not a url' } }).join()).not.toContain('hunter2');
    expect(
      problems({ redis: { url: 'redis://h', keyPrefix: 'a{b}', fleetSize: 0, timeoutMs: 5 } }),
    ).toEqual([
      'store.redis.keyPrefix: expected text without braces or spaces (braces are Redis Cluster hash tags), got "a{b}"',
      'store.redis.fleetSize: expected an integer from 1 to 10000 (gateways), got 0',
      'store.redis.timeoutMs: expected an integer from 10 to 60000 (milliseconds), got 5',
    ]);
    expect(problems({ redis: { url: 'redis://h', fleet: 3 } })).toEqual([
      'store.redis.fleet: unknown option "fleet" (allowed here: url, keyPrefix, fleetSize, timeoutMs)',
    ]);
  });
});
