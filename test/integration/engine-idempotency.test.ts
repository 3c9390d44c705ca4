/**
 * Idempotency keys and coalescing in front of the engine, against the simulator on 127.0.0.1
 * with one manual clock driving both: the simulator's latency and the engine's deadlines. The
 * simulator's own request count says how many upstream calls were made.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { resolveConfig } from '../../src/config/config-resolve.ts';
import { ManualClock } from '../../src/core/clock.ts';
import type { EngineAnswer } from '../../src/engine/engine.ts';
import { Engine } from '../../src/engine/engine.ts';
import { BreakwaterError } from '../../src/errors/index.ts';
import { type MockServer, type Scenario, startMock } from '../../src/mock/index.ts';

/** Waits for real I/O (sockets to the simulator), generously: the machine may be busy. */
const eventually = (check: () => unknown) => vi.waitFor(check, { timeout: 10_000, interval: 5 });

const clock = new ManualClock(Date.now());
let mock: MockServer;
const engines: Engine[] = [];

const scenario: Scenario = {
  seed: 5,
  default: { outputTokens: { min: 4, max: 4 }, latency: { fixedMs: 1000 } },
  models: {
    'gpt-500': { faults: [{ kind: 'status', status: 500, probability: 1 }] },
  },
};

function engine() {
  const e = new Engine(
    resolveConfig({
      providers: { openai: { baseUrl: mock.url, apiKey: 'sk-test' } },
      policy: { retry: { maxAttempts: 1 } },
      routes: {
        shared: { tiers: ['openai/gpt-4o'], coalesce: true },
        plain: { tiers: ['openai/gpt-4o'] },
      },
    }),
    { clock, random: () => 0 },
  );
  engines.push(e);
  return e;
}

const ask = (model: string, content = 'Hi', extra: Record<string, unknown> = {}) => ({
  model,
  messages: [{ role: 'user', content }],
  ...extra,
});
const upstream = () => mock.stats().total.requests;

/** Lets the simulator see `n` requests, then moves its latency by. */
async function answerAfter(n: number) {
  await eventually(() => expect(upstream()).toBe(n));
  await clock.advance(1000);
}

async function text(answer: EngineAnswer): Promise<string> {
  if (answer.kind === 'json') return JSON.stringify(answer.body);
  let out = '';
  for await (const chunk of answer.body) out += Buffer.from(chunk).toString('utf8');
  return out;
}

beforeAll(async () => {
  mock = await startMock(scenario, { clock });
});
afterEach(() => {
  mock.setScenario(scenario);
  mock.reset();
});
afterAll(async () => {
  await Promise.all(engines.map((e) => e.close()));
  await mock.close();
});

describe('idempotency keys', () => {
  it('replays the stored answer for the same key and body, with no upstream call', async () => {
    const e = engine();
    const first = e.call('openai', ask('plain'), { idempotencyKey: 'k-1' });
    await answerAfter(1);
    const original = await first;
    expect(original.meta.cache).toBe('off');

    // Key order differs; the request is the same.
    const again = await e.call(
      'openai',
      { messages: [{ content: 'Hi', role: 'user' }], model: 'plain' },
      { idempotencyKey: 'k-1' },
    );
    expect(upstream()).toBe(1);
    expect(again.meta).toMatchObject({ cache: 'idempotent-replay', attempts: 0 });
    expect(again.meta.target).toBeUndefined();
    if (again.kind !== 'json' || original.kind !== 'json') throw new Error('expected JSON');
    expect(again.body).toEqual(original.body);
    expect(e.counters().idempotentReplays).toBe(1);
  });

  it('replays as a stream when the request streams, from the stream first answered', async () => {
    const e = engine();
    const body = ask('plain', 'Stream it', { stream: true });
    const first = e.call('openai', body, { idempotencyKey: 'k-stream' });
    await answerAfter(1);
    const streamed = await text(await first);
    expect(streamed).toContain('[DONE]');

    const again = await e.call('openai', body, { idempotencyKey: 'k-stream' });
    expect(again.kind).toBe('stream');
    expect(again.meta.cache).toBe('idempotent-replay');
    const replayed = await text(again);
    expect(replayed).toContain('[DONE]');
    const content = (sse: string) =>
      sse
        .split('\n')
        .filter((l) => l.startsWith('data: {'))
        .map((l) => JSON.parse(l.slice(6)).choices?.[0]?.delta?.content ?? '')
        .join('');
    expect(content(replayed)).toBe(content(streamed));
    expect(upstream()).toBe(1);
  });

  it('makes a second call with the key of a running one wait for its answer', async () => {
    const e = engine();
    const first = e.call('openai', ask('plain', 'Wait'), { idempotencyKey: 'k-wait' });
    await eventually(() => expect(upstream()).toBe(1));
    const second = e.call('openai', ask('plain', 'Wait'), { idempotencyKey: 'k-wait' });
    let settled = false;
    void second.finally(() => {
      settled = true;
    });
    await clock.advance(999);
    expect(settled).toBe(false);
    await clock.advance(1);
    const [a, b] = await Promise.all([first, second]);
    expect(upstream()).toBe(1);
    expect(b.meta.cache).toBe('idempotent-replay');
    if (a.kind !== 'json' || b.kind !== 'json') throw new Error('expected JSON');
    expect(b.body).toEqual(a.body);
  });

  it('answers a different request under a used key with a 409 idempotency_conflict', async () => {
    const e = engine();
    const first = e.call('openai', ask('plain', 'One'), { idempotencyKey: 'k-conflict' });
    await answerAfter(1);
    await first;
    const error = (await e
      .call('openai', ask('plain', 'Two'), { idempotencyKey: 'k-conflict' })
      .catch((err: unknown) => err)) as BreakwaterError;
    expect(error).toBeInstanceOf(BreakwaterError);
    expect(error.code).toBe('idempotency_conflict');
    expect(error.status).toBe(409);
    expect(error.param).toBe('Idempotency-Key');
    expect(error.message).toContain('different request');
    expect(upstream()).toBe(1);
    // Keys belong to their tenant: another tenant's same key is another key.
    const other = e.call('openai', ask('plain', 'Two'), {
      idempotencyKey: 'k-conflict',
      tenant: 'team-b',
    });
    await answerAfter(2);
    expect((await other).meta.cache).toBe('off');
  });

  it('does not store a failure: the same key runs again', async () => {
    const e = engine();
    const fail = () =>
      e.call('openai', ask('openai/gpt-500'), { idempotencyKey: 'k-fail' }).catch((err) => err);
    const first = fail();
    await answerAfter(1);
    expect(((await first) as BreakwaterError).code).toBe('server_error');
    const second = fail();
    await answerAfter(2);
    expect(((await second) as BreakwaterError).code).toBe('server_error');
    expect(upstream()).toBe(2);
  });

  it('lets a waiter run the call itself when the call it waited for failed', async () => {
    const e = engine();
    mock.setScenario({
      ...scenario,
      models: { 'gpt-flip': { faults: [{ kind: 'status', status: 500, probability: 1 }] } },
    });
    const first = e
      .call('openai', ask('openai/gpt-flip'), { idempotencyKey: 'k-flip' })
      .catch((err: unknown) => err);
    await eventually(() => expect(upstream()).toBe(1));
    const second = e.call('openai', ask('openai/gpt-flip'), { idempotencyKey: 'k-flip' });
    mock.setScenario(scenario);
    await clock.advance(1000);
    expect(((await first) as BreakwaterError).code).toBe('server_error');
    await answerAfter(2);
    const answer = await second;
    expect(answer.meta.cache).toBe('off');
    expect(answer.meta.target).toBe('openai/gpt-flip');
  });

  it('ends a wait for a running call at the waiter’s own deadline', async () => {
    const e = engine();
    const first = e.call('openai', ask('plain', 'Long'), { idempotencyKey: 'k-deadline' });
    await eventually(() => expect(upstream()).toBe(1));
    const before = clock.pending;
    const second = e
      .call('openai', ask('plain', 'Long'), { idempotencyKey: 'k-deadline', deadlineMs: 500 })
      .catch((err: unknown) => err);
    // Its deadline's timer is set once it waits for the first call.
    await eventually(() => expect(clock.pending).toBeGreaterThan(before));
    await clock.advance(500);
    expect(((await second) as BreakwaterError).code).toBe('deadline_exceeded');
    await clock.advance(500);
    expect((await first).meta.cache).toBe('off');
  });
});

describe('coalescing', () => {
  it('makes N identical concurrent calls one upstream call, every caller answered', async () => {
    const e = engine();
    const events: unknown[] = [];
    e.onEvent((event) => {
      if (event.type === 'coalesced') events.push(event);
    });
    const calls = Array.from({ length: 8 }, () => e.call('openai', ask('shared', 'Same')));
    await answerAfter(1);
    const answers = await Promise.all(calls);
    expect(upstream()).toBe(1);
    for (const answer of answers) {
      expect(answer.meta.coalesced).toBe(8);
      expect(answer.meta.target).toBe('openai/gpt-4o');
    }
    const bodies = answers.map((a) => (a.kind === 'json' ? a.body : undefined));
    expect(new Set(bodies).size).toBe(8); // each caller its own copy
    for (const body of bodies) expect(body).toEqual(bodies[0]);
    expect(events).toEqual([{ type: 'coalesced', route: 'shared', callers: 8 }]);
    expect(e.counters().coalesced).toBe(7);
  });

  it('does not coalesce different requests, other tenants, streams, or a route without it', async () => {
    const e = engine();
    const calls = [
      e.call('openai', ask('shared', 'A')),
      e.call('openai', ask('shared', 'B')),
      e.call('openai', ask('shared', 'A'), { tenant: 'other' }),
      e.call('openai', ask('plain', 'A')),
      e.call('openai', ask('plain', 'A')),
    ];
    const streams = [
      e.call('openai', ask('shared', 'A', { stream: true })),
      e.call('openai', ask('shared', 'A', { stream: true })),
    ];
    await answerAfter(7);
    const answers = await Promise.all(calls);
    for (const s of await Promise.all(streams)) await text(s);
    for (const answer of answers) expect(answer.meta.coalesced).toBeUndefined();
    expect(upstream()).toBe(7);
  });

  it('keeps the shared call going while one caller leaves, and cancels it when all have', async () => {
    const e = engine();
    const leaving = new AbortController();
    const first = e
      .call('openai', ask('shared', 'Leave'), { signal: leaving.signal })
      .catch((err: unknown) => err);
    const staying = e.call('openai', ask('shared', 'Leave'));
    await eventually(() => expect(upstream()).toBe(1));
    leaving.abort(new Error('gone'));
    expect(((await first) as BreakwaterError).code).toBe('aborted');
    await clock.advance(1000);
    expect((await staying).meta.target).toBe('openai/gpt-4o');

    const attempts: (string | undefined)[] = [];
    e.onEvent((event) => {
      if (event.type === 'attempt') attempts.push(event.record.code);
    });
    const a = new AbortController();
    const b = new AbortController();
    const both = [
      e.call('openai', ask('shared', 'All'), { signal: a.signal }).catch((err) => err),
      e.call('openai', ask('shared', 'All'), { signal: b.signal }).catch((err) => err),
    ];
    await eventually(() => expect(upstream()).toBe(2));
    a.abort(new Error('gone'));
    b.abort(new Error('gone too'));
    for (const error of await Promise.all(both))
      expect((error as BreakwaterError).code).toBe('aborted');
    // The upstream call ends now, without the simulator's latency passing.
    await eventually(() => expect(attempts).toEqual(['aborted']));
    expect(upstream()).toBe(2);
  });
});
