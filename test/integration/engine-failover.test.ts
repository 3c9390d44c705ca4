/**
 * Eager failover against the simulator on 127.0.0.1, with one manual clock driving the
 * simulator and the engine's backoff: a wait longer than `retry.failoverAfterMs` moves to the
 * next tier at once, a shorter one is slept on the same target, a long Retry-After moves on too,
 * and the same-target retry still comes — no sooner than its wait — when the other tiers fail.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { resolveConfig } from '../../src/config/config-resolve.ts';
import type { PolicyConfig } from '../../src/config/config-types.ts';
import { ManualClock } from '../../src/core/clock.ts';
import { Engine } from '../../src/engine/engine.ts';
import type { BreakwaterError } from '../../src/errors/index.ts';
import { type MockServer, type Scenario, startMock } from '../../src/mock/index.ts';

/** Waits for real I/O (sockets to the simulator), generously: the machine may be busy. */
const eventually = (check: () => unknown) => vi.waitFor(check, { timeout: 10_000, interval: 5 });

const clock = new ManualClock(Date.now());
let mock: MockServer;
const engines: Engine[] = [];

/** gpt-b answers 100 ms after it is asked, gpt-a at once. */
const fine: Scenario = {
  seed: 11,
  default: { outputTokens: { min: 3, max: 3 } },
  models: { 'gpt-b': { latency: { fixedMs: 100 } } },
};
const failing = (models: Record<string, number | 'quota'>): Scenario => ({
  ...fine,
  models: Object.fromEntries(
    Object.entries(models).map(([model, status]) => [
      model,
      {
        latency: { fixedMs: model === 'gpt-b' ? 100 : 0 },
        faults: [
          status === 'quota'
            ? { kind: 'status', status: 429, variant: 'insufficient_quota', probability: 1 }
            : {
                kind: 'status',
                status,
                probability: 1,
                retryAfterS: status === 429 ? 2 : undefined,
              },
        ],
      },
    ]),
  ) as Scenario['models'],
});

/** `random` 0.5: the first backoff wait is 500 ms; 0.1: 100 ms. */
function engine(random: number, policy: PolicyConfig = {}) {
  const e = new Engine(
    resolveConfig({
      providers: { openai: { baseUrl: mock.url, apiKey: 'sk-test' } },
      policy: { ...policy, hedge: { enabled: false } },
      routes: { chat: { tiers: ['openai/gpt-a', 'openai/gpt-b'] } },
    }),
    { clock, random: () => random },
  );
  engines.push(e);
  return e;
}

const ask = () => ({ model: 'chat', messages: [{ role: 'user', content: 'Hi' }] });
const requests = (model: string) => mock.stats().models[model]?.requests ?? 0;
/** How many attempts of `e` have failed so far. */
function failures(e: Engine): () => number {
  let n = 0;
  e.onEvent((event) => {
    if (event.type === 'attempt' && event.record.result === 'error') n++;
  });
  return () => n;
}
const trail = (meta: { trail: readonly { target: string; code?: string }[] }) =>
  meta.trail.map((a) => `${a.target.slice(7)} ${a.code ?? 'ok'}`);

beforeAll(async () => {
  mock = await startMock(fine, { clock });
});
afterEach(() => {
  mock.setScenario(fine);
  mock.reset();
});
afterAll(async () => {
  await Promise.all(engines.map((e) => e.close()));
  await mock.close();
});

describe('eager failover', () => {
  it('tries the next tier at once instead of sleeping a wait over the bound', async () => {
    mock.setScenario(failing({ 'gpt-a': 500 }));
    const call = engine(0.5).call('openai', ask());
    // gpt-b is asked with no time passing: nothing was slept.
    await eventually(() => expect(requests('gpt-b')).toBe(1));
    await clock.advance(100);
    const answer = await call;
    expect(trail(answer.meta)).toEqual(['gpt-a server_error', 'gpt-b ok']);
    expect(answer.meta.fallback).toBe('tier');
    expect(clock.pending).toBe(0);
  });

  it('sleeps a wait within the bound on the same target', async () => {
    mock.setScenario(failing({ 'gpt-a': 500 }));
    const e = engine(0.1);
    const failed = failures(e);
    const call = e.call('openai', ask());
    // The clock moves only once the 500 is back and the backoff sleep under way.
    await eventually(() => expect(failed()).toBe(1));
    mock.setScenario(fine);
    await clock.advance(99);
    expect(requests('gpt-a')).toBe(1);
    await clock.advance(1);
    const answer = await call;
    expect(trail(answer.meta)).toEqual(['gpt-a server_error', 'gpt-a ok']);
    expect(requests('gpt-b')).toBe(0);
  });

  it('moves on at once from a Retry-After longer than the bound; a quota 429 never waits', async () => {
    for (const fault of [429, 'quota'] as const) {
      mock.reset();
      mock.setScenario(failing({ 'gpt-a': fault }));
      const call = engine(0).call('openai', ask());
      await eventually(() => expect(requests('gpt-b')).toBe(1));
      await clock.advance(100);
      const code = fault === 429 ? 'rate_limited' : 'quota_exhausted';
      expect(trail((await call).meta)).toEqual([`gpt-a ${code}`, 'gpt-b ok']);
    }
  });

  it('still retries the first target — after its wait — when the other tiers fail', async () => {
    mock.setScenario(failing({ 'gpt-a': 503, 'gpt-b': 503 }));
    const e = engine(0.5);
    const failed = failures(e);
    const call = e.call('openai', ask());
    await eventually(() => expect(requests('gpt-b')).toBe(1));
    // gpt-b fails at 100 ms; its retry would be due at 600 ms, gpt-a's is at 500 ms.
    await clock.advance(100);
    await eventually(() => expect(failed()).toBe(2));
    mock.setScenario(fine);
    await clock.advance(399);
    expect(requests('gpt-a')).toBe(1);
    await clock.advance(1);
    const answer = await call;
    expect(trail(answer.meta)).toEqual(['gpt-a unavailable', 'gpt-b unavailable', 'gpt-a ok']);
    expect(answer.meta.fallback).toBe('none');
  });

  it('fails with every attempt in the trail when no tier recovers', async () => {
    mock.setScenario(failing({ 'gpt-a': 500, 'gpt-b': 500 }));
    const e = engine(0.5, { retry: { maxAttempts: 2 } });
    const attempts: string[] = [];
    e.onEvent((event) => {
      if (event.type === 'attempt') attempts.push(event.record.target);
    });
    const call = e.call('openai', ask()).then(
      () => undefined,
      (err: unknown) => err as BreakwaterError,
    );
    await eventually(() => expect(requests('gpt-b')).toBe(1));
    await clock.advance(100); // gpt-b fails; gpt-a's retry is due at 500 ms, gpt-b's at 600 ms
    await eventually(() => expect(attempts).toHaveLength(2));
    await clock.advance(400);
    await eventually(() => expect(attempts).toHaveLength(3));
    await clock.advance(100);
    await eventually(() => expect(requests('gpt-b')).toBe(2));
    await clock.advance(100);
    const error = await call;
    expect(error?.code).toBe('server_error');
    expect(trail({ trail: error?.attempts ?? [] })).toEqual([
      'gpt-a server_error',
      'gpt-b server_error',
      'gpt-a server_error',
      'gpt-b server_error',
    ]);
  });

  it('keeps waiting on the same target when no other tier is healthy to go to', async () => {
    mock.setScenario(failing({ 'gpt-a': 500 }));
    const e = new Engine(
      resolveConfig({
        providers: { openai: { baseUrl: mock.url, apiKey: 'sk-test' } },
        routes: { solo: { tiers: ['openai/gpt-a'] } },
      }),
      { clock, random: () => 0.5 },
    );
    engines.push(e);
    const failed = failures(e);
    const call = e.call('openai', { ...ask(), model: 'solo' });
    await eventually(() => expect(failed()).toBe(1));
    mock.setScenario(fine);
    await clock.advance(500);
    expect(trail((await call).meta)).toEqual(['gpt-a server_error', 'gpt-a ok']);
  });
});
