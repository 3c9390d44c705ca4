/**
 * Every fallback stays reachable when a target fails before its request is even sent: a key
 * function that throws or never answers, a host name DNS does not know, a TLS certificate that
 * does not verify. Each is that target's failure, in the trail: the next tier, the cache and the
 * static message still apply. Real sockets on 127.0.0.1 (the simulator, an HTTPS server with a
 * self-signed certificate) and a real DNS lookup of a `.invalid` name (RFC 6761: never resolves).
 */
import { once } from 'node:events';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { resolveConfig } from '../../src/config/config-resolve.ts';
import type { BreakwaterConfig } from '../../src/config/config-types.ts';
import { ManualClock } from '../../src/core/clock.ts';
import { Engine } from '../../src/engine/engine.ts';
import type { BreakwaterError } from '../../src/errors/index.ts';
import { type MockServer, startMock } from '../../src/mock/index.ts';
import { MemoryCacheStore } from '../../src/store/memory-cache-store.ts';
import { SELF_SIGNED_CERT, SELF_SIGNED_KEY } from './fixtures/self-signed-cert.ts';

let mock: MockServer;
let tlsUrl = '';
let tlsRequests = 0;
const tls = createServer({ cert: SELF_SIGNED_CERT, key: SELF_SIGNED_KEY }, (_req, res) => {
  tlsRequests++;
  res.end('{}');
});
const engines: Engine[] = [];

beforeAll(async () => {
  mock = await startMock({ seed: 1, default: { outputTokens: 3 } });
  tls.listen(0, '127.0.0.1');
  await once(tls, 'listening');
  tlsUrl = `https://127.0.0.1:${(tls.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await Promise.all(engines.map((e) => e.close()));
  await mock.close();
  tls.closeAllConnections();
  tls.close();
});

let keyCalls = 0;
function engine(clock = new ManualClock(Date.now())) {
  const openai = (extra: object) => ({ dialect: 'openai' as const, ...extra });
  const config: BreakwaterConfig = {
    providers: {
      openai: { baseUrl: mock.url, apiKey: 'sk-good' },
      vault: openai({
        baseUrl: mock.url,
        apiKey: () => {
          keyCalls++;
          throw new Error('the vault is sealed');
        },
      }),
      slowvault: openai({ baseUrl: mock.url, apiKey: () => new Promise<string>(() => {}) }),
      nodns: openai({ baseUrl: 'https://api.breakwater-test.invalid', apiKey: 'sk-x' }),
      badtls: openai({ baseUrl: tlsUrl, apiKey: 'sk-x' }),
    },
    routes: {
      vault: { tiers: ['vault/gpt-4o', 'openai/gpt-4o'] },
      'vault-static': { tiers: ['vault/gpt-4o'], staticMessage: 'Back soon.' },
      slowvault: { tiers: ['slowvault/gpt-4o', 'openai/gpt-4o'] },
      nodns: { tiers: ['nodns/gpt-4o', 'openai/gpt-4o'] },
      badtls: { tiers: ['badtls/gpt-4o', 'openai/gpt-4o'] },
    },
    policy: { timeouts: { connectMs: 2000 } },
  };
  const e = new Engine(resolveConfig(config), { clock, random: () => 0 });
  engines.push(e);
  return e;
}

const ask = (model: string) => ({ model, messages: [{ role: 'user', content: 'Hi' }] });
const failed = (call: Promise<unknown>) =>
  call.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (err: unknown) => err as BreakwaterError,
  );

describe('a key function that fails is that target’s failure', () => {
  it('that throws: the next tier answers, the attempt is in the trail', async () => {
    keyCalls = 0;
    const answer = await engine().call('openai', ask('vault'));
    expect(answer.meta.target).toBe('openai/gpt-4o');
    expect(answer.meta.fallback).toBe('tier');
    expect(answer.meta.trail[0]).toMatchObject({
      target: 'vault/gpt-4o',
      result: 'error',
      code: 'authentication',
    });
    expect(keyCalls).toBe(1);
  });

  it('that throws on a one-tier route: the static message still answers', async () => {
    const answer = await engine().call('openai', ask('vault-static'));
    expect(answer.meta.fallback).toBe('static');
    expect(answer.meta.trail.map((a) => a.code)).toEqual(['authentication']);
  });

  it('that throws, with nothing after it: a typed error naming the function, not a bare throw', async () => {
    const error = await failed(engine().call('openai', ask('vault/gpt-4o')));
    expect(error.code).toBe('authentication');
    expect(error.message).toContain('apiKey function of provider vault failed');
    expect(error.attempts).toHaveLength(1);
  });

  it('that never answers: given up after the connect timeout, then the next tier', async () => {
    const clock = new ManualClock(Date.now());
    const call = engine(clock).call('openai', ask('slowvault'));
    await vi.waitFor(() => expect(clock.pending).toBeGreaterThan(0));
    await clock.advance(2000);
    const answer = await call;
    expect(answer.meta.target).toBe('openai/gpt-4o');
    expect(answer.meta.trail[0]).toMatchObject({
      target: 'slowvault/gpt-4o',
      result: 'error',
      code: 'authentication',
      latencyMs: 2000,
    });
  });
});

describe('a key function that fails, on a route with nothing after it but the cache', () => {
  /**
   * One engine whose `keyed` provider has the key function given, over a cache shared with the
   * others: an answer one engine stored is there for the next when every tier failed.
   */
  const cacheStore = new MemoryCacheStore();
  function cachedEngine(
    apiKey: () => string | Promise<string>,
    clock = new ManualClock(Date.now()),
  ) {
    const e = new Engine(
      resolveConfig({
        providers: { keyed: { dialect: 'openai', baseUrl: mock.url, apiKey } },
        routes: { cached: { tiers: ['keyed/gpt-4o'], policy: { cache: { mode: 'fallback' } } } },
        policy: { timeouts: { connectMs: 2000 } },
      }),
      { clock, random: () => 0, cacheStore },
    );
    engines.push(e);
    return e;
  }

  it('that throws or never answers: the cached answer serves, the failed attempt in its trail', async () => {
    const stored = await cachedEngine(() => 'sk-good').call('openai', ask('cached'));
    expect(stored.meta.fallback).toBe('none');

    const thrown = await cachedEngine(() => {
      throw new Error('the vault is sealed');
    }).call('openai', ask('cached'));
    expect(thrown.meta.fallback).toBe('cache');
    expect(thrown.meta.trail).toEqual([
      expect.objectContaining({ target: 'keyed/gpt-4o', result: 'error', code: 'authentication' }),
    ]);

    const clock = new ManualClock(Date.now());
    const call = cachedEngine(() => new Promise<string>(() => {}), clock).call(
      'openai',
      ask('cached'),
    );
    await vi.waitFor(() => expect(clock.pending).toBeGreaterThan(0));
    await clock.advance(2000);
    const hung = await call;
    expect(hung.meta.fallback).toBe('cache');
    expect(hung.meta.trail).toEqual([
      expect.objectContaining({ target: 'keyed/gpt-4o', result: 'error', code: 'authentication' }),
    ]);
  });
});

describe('configuration errors: not retried on that target, the next tier tried', () => {
  it('a host name DNS does not know', async () => {
    const e = engine();
    const answer = await e.call('openai', ask('nodns'));
    expect(answer.meta.target).toBe('openai/gpt-4o');
    const tried = answer.meta.trail.filter((a) => a.target === 'nodns/gpt-4o');
    expect(tried).toEqual([expect.objectContaining({ result: 'error', code: 'upstream_config' })]);
    const error = await failed(e.call('openai', ask('nodns/gpt-4o')));
    expect(error.code).toBe('upstream_config');
    expect(error.message).toContain(
      'provider nodns at https://api.breakwater-test.invalid cannot be reached as configured: its host name does not resolve',
    );
    expect(error.message).toContain('check providers.nodns.baseUrl');
  });

  it('a TLS certificate that does not verify', async () => {
    const e = engine();
    const answer = await e.call('openai', ask('badtls'));
    expect(answer.meta.target).toBe('openai/gpt-4o');
    const tried = answer.meta.trail.filter((a) => a.target === 'badtls/gpt-4o');
    expect(tried).toEqual([expect.objectContaining({ result: 'error', code: 'upstream_config' })]);
    const error = await failed(e.call('openai', ask('badtls/gpt-4o')));
    expect(error.message).toContain(`provider badtls at ${tlsUrl} cannot be reached as configured`);
    expect(error.message).toContain('TLS certificate was refused');
    expect(tlsRequests).toBe(0);
  });
});
