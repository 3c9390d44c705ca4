/**
 * The engine's `breakwater:*` channels against the simulator: every decision of a call is
 * published, in order, with what a subscriber needs (attempts with their outcome, retries with
 * their reason and wait, fallbacks with from/to/why, cache and static answers, breaker moves,
 * limiter queueing and refusals), only for the engine a subscriber asked for — and nothing at
 * all is built while nobody listens. Backoff and breaker time run on a manual clock.
 */
import { subscribe as dcSubscribe, unsubscribe as dcUnsubscribe } from 'node:diagnostics_channel';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { resolveConfig } from '../../src/config/config-resolve.ts';
import type { BreakwaterConfig } from '../../src/config/config-types.ts';
import { ManualClock } from '../../src/core/clock.ts';
import { callObserved, channels } from '../../src/engine/channels.ts';
import { Engine } from '../../src/engine/engine.ts';
import { type MockServer, type Scenario, startMock } from '../../src/mock/index.ts';
import { subscribe } from '../../src/telemetry/subscription.ts';

let mock: MockServer;
const engines: Engine[] = [];
const stops: (() => void)[] = [];

const scenario: Scenario = {
  seed: 5,
  default: { outputTokens: 6 },
  models: {
    'gpt-500': { faults: [{ kind: 'status', status: 500, probability: 1 }] },
    'gpt-400': { faults: [{ kind: 'status', status: 400, probability: 1 }] },
    'gpt-down': { down: [{ fromS: 0, status: 503 }] },
  },
};

function engine(config: Partial<BreakwaterConfig> = {}, clock = new ManualClock(Date.now())) {
  const e = new Engine(
    resolveConfig({
      providers: { openai: { baseUrl: mock.url, apiKey: 'sk-events-test' } },
      policy: { retry: { maxAttempts: 2, baseMs: 100, capMs: 100 } },
      ...config,
    }),
    { clock, random: () => 0.5 },
  );
  engines.push(e);
  return e;
}

/** Every message on every channel, for `source`, as `[channel, message]`. */
function record(source: Engine): [string, Record<string, unknown>][] {
  const seen: [string, Record<string, unknown>][] = [];
  const note = (name: string) => (m: object) => seen.push([name, m as Record<string, unknown>]);
  stops.push(
    subscribe(
      { engine: source, limiter: source.admission },
      {
        requestStart: note('request:start'),
        requestEnd: note('request:end'),
        attemptStart: note('attempt:start'),
        attemptEnd: note('attempt:end'),
        retry: note('retry'),
        fallback: note('fallback'),
        cache: note('cache'),
        static: note('static'),
        breaker: note('breaker'),
        limiter: note('limiter'),
      },
    ),
  );
  return seen;
}

const ask = (model: string, extra: Record<string, unknown> = {}) => ({
  model,
  messages: [{ role: 'user', content: 'Hi' }],
  ...extra,
});
const names = (seen: [string, Record<string, unknown>][]) =>
  seen.filter(([n]) => n !== 'limiter').map(([n]) => n);

beforeAll(async () => {
  mock = await startMock(scenario);
});
afterEach(() => {
  for (const stop of stops.splice(0)) stop();
  mock.setScenario(scenario);
  mock.reset();
});
afterAll(async () => {
  await Promise.all(engines.map((e) => e.close()));
  await mock.close();
});

describe('engine events', () => {
  it('builds nothing while nobody listens', async () => {
    expect(callObserved()).toBe(false);
    const spy = vi.spyOn(channels.requestStart, 'publish');
    const end = vi.spyOn(channels.attemptEnd, 'publish');
    const e = engine();
    await e.call('openai', ask('openai/gpt-4o-mini'));
    expect(spy).not.toHaveBeenCalled();
    expect(end).not.toHaveBeenCalled();
    // A subscriber to the breaker channel alone makes no call-level message either.
    const onBreaker = () => {};
    dcSubscribe('breakwater:breaker', onBreaker);
    expect(callObserved()).toBe(false);
    dcUnsubscribe('breakwater:breaker', onBreaker);
    spy.mockRestore();
    end.mockRestore();
  });

  it('tells a success from start to end, usage and stop reason included', async () => {
    const e = engine();
    const seen = record(e);
    await e.call('openai', ask('openai/gpt-4o-mini'), { requestId: 'req_1', tenant: 'acme' });
    expect(names(seen)).toEqual(['request:start', 'attempt:start', 'attempt:end', 'request:end']);
    const [, start] = seen[0]!;
    expect(start).toMatchObject({ route: 'openai/gpt-4o-mini', dialect: 'openai', stream: false });
    expect(start).toMatchObject({ requestId: 'req_1', tenant: 'acme', source: e });
    const attemptStart = seen.find(([n]) => n === 'attempt:start')![1];
    expect(attemptStart).toMatchObject({ target: 'openai/gpt-4o-mini', tier: 0, attempt: 0 });
    expect(attemptStart.headers).toMatchObject({ 'content-type': 'application/json' });
    const attemptEnd = seen.find(([n]) => n === 'attempt:end')![1];
    expect(attemptEnd.start).toBe(attemptStart);
    expect(attemptEnd.record).toMatchObject({ result: 'ok', status: 200 });
    expect((attemptEnd.record as { requestId?: string }).requestId).toMatch(/^req_/);
    const end = seen.at(-1)![1];
    expect(end.call).toBe(start);
    expect(end).toMatchObject({ started: true, stopReason: 'stop', abandoned: false });
    expect(end.usage).toMatchObject({ outputTokens: 6 });
    expect(end.answer).toMatchObject({ target: 'openai/gpt-4o-mini', attempts: 1 });
  });

  it('tells a stream’s end when it ends, with its time to first chunk', async () => {
    const e = engine();
    const seen = record(e);
    const answer = await e.call('openai', ask('openai/gpt-4o-mini', { stream: true }));
    expect(names(seen)).not.toContain('request:end');
    for await (const _ of answer.kind === 'stream' ? answer.body : []) {
      // read to the end
    }
    await vi.waitFor(() => expect(names(seen)).toContain('request:end'));
    const end = seen.at(-1)![1];
    expect(end).toMatchObject({ stopReason: 'stop', abandoned: false });
    expect(end.firstChunkMs).toBeTypeOf('number');
    expect(end.usage).toMatchObject({ outputTokens: 6 });
  });

  it('tells each retry with its reason and wait, and the failure with its error', async () => {
    const clock = new ManualClock(Date.now());
    const e = engine({}, clock);
    const seen = record(e);
    const call = e.call('openai', ask('openai/gpt-500')).catch((err: unknown) => err);
    await vi.waitFor(() => expect(names(seen)).toContain('retry'));
    await clock.advance(100);
    await call;
    expect(names(seen)).toEqual([
      'request:start',
      'attempt:start',
      'attempt:end',
      'retry',
      'attempt:start',
      'attempt:end',
      'request:end',
    ]);
    const retry = seen.find(([n]) => n === 'retry')![1];
    expect(retry).toMatchObject({ target: 'openai/gpt-500', attempt: 1, reason: 'server_error' });
    expect(retry.delayMs).toBe(50);
    const ends = seen.filter(([n]) => n === 'attempt:end').map(([, m]) => m);
    expect(ends.map((m) => (m.start as { attempt: number }).attempt)).toEqual([0, 1]);
    expect((ends[0]!.error as { code: string }).code).toBe('server_error');
    expect((seen.at(-1)![1].error as { code: string }).code).toBe('server_error');
  });

  it('tells fallbacks from target to target, then to the cache', async () => {
    const e = engine({
      routes: {
        chat: {
          tiers: ['openai/gpt-down', 'openai/gpt-4o-mini'],
          policy: { retry: { maxAttempts: 1 }, cache: { mode: 'fallback' } },
        },
      },
    });
    await e.call('openai', ask('chat'));
    const seen = record(e);
    mock.setScenario({
      ...scenario,
      models: { ...scenario.models, 'gpt-4o-mini': { down: [{ fromS: 0, status: 500 }] } },
    });
    const answer = await e.call('openai', ask('chat'));
    expect(answer.meta.fallback).toBe('cache');
    const fallbacks = seen.filter(([n]) => n === 'fallback').map(([, m]) => m);
    expect(fallbacks).toMatchObject([
      { from: 'openai/gpt-down', to: 'openai/gpt-4o-mini', why: 'unavailable', kind: 'tier' },
      { from: 'openai/gpt-4o-mini', to: 'cache', why: 'server_error', kind: 'cache' },
    ]);
    expect(seen.find(([n]) => n === 'cache')![1]).toMatchObject({
      outcome: 'hit',
      purpose: 'fallback',
    });
  });

  it('tells a static answer, and a breaker opening', async () => {
    const e = engine({
      providers: {
        openai: {
          baseUrl: mock.url,
          apiKey: 'sk-events-test',
          breaker: { failureThreshold: 2, minimumCalls: 2, failureRate: 0.5 },
        },
      },
      routes: {
        chat: {
          tiers: ['openai/gpt-500'],
          staticMessage: 'busy',
          policy: { retry: { maxAttempts: 1 } },
        },
      },
    });
    const seen = record(e);
    await e.call('openai', ask('chat'));
    await e.call('openai', ask('chat'));
    expect(seen.filter(([n]) => n === 'static').map(([, m]) => m.why)).toEqual([
      'server_error',
      'server_error',
    ]);
    expect(seen.find(([n]) => n === 'breaker')![1]).toMatchObject({
      target: 'openai/gpt-500',
      from: 'closed',
      to: 'open',
    });
    await e.call('openai', ask('chat'));
    // The open breaker skips the target; the route has nothing else, so panic mode tries it.
    const [skipped, panicked] = seen.filter(([n]) => n === 'attempt:end').slice(-2);
    expect(skipped![1]).toMatchObject({ start: undefined, record: { result: 'skipped' } });
    expect((skipped![1].error as { origin: string }).origin).toBe('breakwater');
    expect(panicked![1]).toMatchObject({ record: { result: 'error', panic: true } });
    expect(seen.filter(([n]) => n === 'fallback').map(([, m]) => m.kind)).toContain('panic');
  });

  it('tells the limiter queueing, admitting after a wait, and refusing what would wait too long', async () => {
    const clock = new ManualClock(Date.now());
    const e = engine(
      { limits: { targets: { 'openai/*': { rpm: 2 } }, queue: { maxDepth: 1 } } },
      clock,
    );
    const seen = record(e);
    const calls = [1, 2, 3, 4].map(() =>
      e.call('openai', ask('openai/gpt-4o-mini')).catch((err: unknown) => err),
    );
    await vi.waitFor(() =>
      expect(
        seen.filter(
          ([n, m]) => n === 'limiter' && (m.event as { type: string }).type === 'rejected',
        ),
      ).toHaveLength(1),
    );
    await clock.advance(30_000);
    await Promise.all(calls);
    const events = seen
      .filter(([n]) => n === 'limiter')
      .map(([, m]) => m.event as Record<string, unknown>);
    expect(events.map((ev) => ev.type)).toEqual(
      expect.arrayContaining(['admitted', 'queued', 'rejected']),
    );
    expect(['rate_limited', 'queue_full']).toContain(
      events.find((ev) => ev.type === 'rejected')?.code,
    );
    const waited = events.filter((ev) => ev.type === 'admitted').map((ev) => ev.waitMs as number);
    expect(Math.max(...waited)).toBeGreaterThan(0);
    expect(seen.filter(([n]) => n === 'limiter').every(([, m]) => m.source === e.admission)).toBe(
      true,
    );
  });

  it('gives each subscriber its own engine’s messages only', async () => {
    const a = engine();
    const b = engine();
    const seenA = record(a);
    await b.call('openai', ask('openai/gpt-4o-mini'));
    expect(seenA).toEqual([]);
    await a.call('openai', ask('openai/gpt-4o-mini'));
    expect(names(seenA)).toHaveLength(4);
  });

  it('survives a subscriber that throws', async () => {
    const e = engine();
    stops.push(
      subscribe(
        { engine: e },
        {
          attemptStart: () => {
            throw new Error('a broken subscriber');
          },
        },
      ),
    );
    const answer = await e.call('openai', ask('openai/gpt-4o-mini'));
    expect(answer.kind).toBe('json');
  });
});
