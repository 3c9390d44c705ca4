/**
 * Hedged attempts against the simulator on 127.0.0.1, with one manual clock driving the
 * simulator's latency and the engine's hedge timer: the hedge starts at the delay learned from
 * the target's answers and not a moment before, the first usable head wins and the other attempt
 * is aborted with its lease settled, the hedge budget holds under a target that stays slow, a
 * stream with headers but no content by the delay is hedged while one past its first content
 * never is, and a route can turn hedging off.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { resolveConfig } from '../../src/config/config-resolve.ts';
import type { PolicyConfig } from '../../src/config/config-types.ts';
import { ManualClock } from '../../src/core/clock.ts';
import { answerHeaders } from '../../src/engine/answer-headers.ts';
import { Engine } from '../../src/engine/engine.ts';
import type { BreakwaterError } from '../../src/errors/index.ts';
import type { Admission, Lease, Settlement } from '../../src/limiter/admission.ts';
import { type MockServer, type Scenario, startMock } from '../../src/mock/index.ts';
import { subscribe } from '../../src/telemetry/subscription.ts';

/** Waits for real I/O (sockets to the simulator), generously: the machine may be busy. */
const eventually = (check: () => unknown) => vi.waitFor(check, { timeout: 10_000, interval: 5 });

const clock = new ManualClock(Date.now());
let mock: MockServer;
const engines: Engine[] = [];

/** Every answer takes 100 ms of the manual clock to its headers. */
const steady: Scenario = {
  seed: 9,
  default: { latency: { fixedMs: 100 }, outputTokens: { min: 3, max: 3 } },
};
const withModel = (model: string, behaviour: NonNullable<Scenario['models']>[string]) => ({
  ...steady,
  models: { [model]: behaviour },
});

/** An admission that admits everything and keeps every lease's settlement. */
function recordingAdmission() {
  const settled: { target: string; settlement: Settlement }[] = [];
  const admission: Admission = {
    acquire: async (request) => {
      let done = false;
      const lease: Lease = {
        settle(settlement) {
          if (done) return;
          done = true;
          settled.push({ target: request.target.id, settlement });
        },
      };
      return lease;
    },
  };
  return { admission, settled };
}

function engine(policy: PolicyConfig = {}, admission?: Admission) {
  const e = new Engine(
    resolveConfig({
      providers: { openai: { baseUrl: mock.url, apiKey: 'sk-test' } },
      policy,
      routes: {
        chat: { tiers: ['openai/gpt-a', 'openai/gpt-b'] },
        solo: { tiers: ['openai/gpt-a'] },
        calm: { tiers: ['openai/gpt-a', 'openai/gpt-b'], policy: { hedge: { enabled: false } } },
      },
    }),
    { clock, random: () => 0, admission },
  );
  engines.push(e);
  return e;
}

const ask = (model: string, extra: Record<string, unknown> = {}) => ({
  model,
  max_tokens: 16,
  messages: [{ role: 'user', content: 'Hi' }],
  ...extra,
});
const requests = (model: string) => mock.stats().models[model]?.requests ?? 0;

/** Teaches `e` that gpt-a answers in 100 ms: `n` calls at once, answered together. */
async function warmUp(e: Engine, n = 40, extra: Record<string, unknown> = {}) {
  const before = requests('gpt-a');
  const calls = Array.from({ length: n }, () => e.call('openai', ask('openai/gpt-a', extra)));
  await eventually(() => expect(requests('gpt-a')).toBe(before + n));
  await clock.advance(100);
  for (const answer of await Promise.all(calls)) {
    if (answer.kind === 'stream') for await (const _ of answer.body);
  }
  mock.reset();
}

beforeAll(async () => {
  mock = await startMock(steady, { clock });
});
afterEach(() => {
  mock.setScenario(steady);
  mock.reset();
});
afterAll(async () => {
  await Promise.all(engines.map((e) => e.close()));
  await mock.close();
});

describe('hedged attempts', () => {
  it('starts the hedge at the learned delay and not before, and the first head wins', async () => {
    const { admission, settled } = recordingAdmission();
    const e = engine({}, admission);
    await warmUp(e);
    settled.length = 0;
    mock.setScenario(withModel('gpt-a', { faults: [{ kind: 'hang', probability: 1 }] }));
    const heard: unknown[] = [];
    const stop = subscribe({ engine: e }, { hedge: (h) => heard.push(h) });
    const call = e.call('openai', ask('chat'));
    await eventually(() => expect(requests('gpt-a')).toBe(1));
    // Delay: 2 × p95 (100 ms) = 200 ms.
    await clock.advance(199);
    expect(requests('gpt-b')).toBe(0);
    await clock.advance(1);
    await eventually(() => expect(requests('gpt-b')).toBe(1));
    await clock.advance(100);
    const answer = await call;
    expect(answer.meta).toMatchObject({ target: 'openai/gpt-b', hedge: 'won', fallback: 'tier' });
    expect(answer.meta.trail.map((a) => [a.target, a.code ?? 'ok', a.hedge ?? false])).toEqual([
      ['openai/gpt-a', 'aborted', false],
      ['openai/gpt-b', 'ok', true],
    ]);
    expect(answerHeaders(answer.meta)['x-breakwater-attempts']).toBe('2;hedge=won');
    // The loser's lease is settled at once, as a cancellation (charged, not refunded).
    const loser = settled.find((s) => s.target === 'openai/gpt-a');
    expect((loser?.settlement.error as BreakwaterError | undefined)?.code).toBe('aborted');
    expect(settled.find((s) => s.target === 'openai/gpt-b')?.settlement.usage).toBeDefined();
    expect(e.counters()).toMatchObject({ hedges: 1, hedgesWon: 1 });
    expect([...e.targets()].find((t) => t.target.id === 'openai/gpt-a')?.breaker.state).toBe(
      'closed',
    );
    // Published on breakwater:hedge for telemetry.
    expect(heard).toMatchObject([{ from: 'openai/gpt-a', to: 'openai/gpt-b' }]);
    stop();
  });

  it('keeps the first attempt when it answers first, aborting the hedge', async () => {
    const { admission, settled } = recordingAdmission();
    const e = engine({}, admission);
    await warmUp(e);
    settled.length = 0;
    mock.setScenario(withModel('gpt-a', { latency: { fixedMs: 250 } }));
    const call = e.call('openai', ask('chat'));
    await eventually(() => expect(requests('gpt-a')).toBe(1));
    await clock.advance(200);
    await eventually(() => expect(requests('gpt-b')).toBe(1));
    await clock.advance(50); // gpt-a answers at 250 ms, gpt-b would at 300 ms
    const answer = await call;
    expect(answer.meta).toMatchObject({ target: 'openai/gpt-a', hedge: 'lost', fallback: 'none' });
    expect(answerHeaders(answer.meta)['x-breakwater-attempts']).toBe('2;hedge=lost');
    const hedge = answer.meta.trail.find((a) => a.hedge);
    expect(hedge).toMatchObject({ target: 'openai/gpt-b', result: 'error', code: 'aborted' });
    const loser = settled.find((s) => s.target === 'openai/gpt-b');
    expect((loser?.settlement.error as BreakwaterError | undefined)?.code).toBe('aborted');
  });

  it('hedges a one-tier route on the same target', async () => {
    const e = engine();
    await warmUp(e);
    mock.setScenario(withModel('gpt-a', { faults: [{ kind: 'hang', probability: 0.5 }] }));
    // The seeded draw decides which attempt hangs; either way the answer comes from gpt-a.
    const call = e.call('openai', ask('solo'));
    await eventually(() => expect(requests('gpt-a')).toBe(1));
    await clock.advance(200);
    await eventually(() => expect(requests('gpt-a')).toBe(2));
    await clock.advance(100);
    const answer = await call;
    expect(answer.meta.target).toBe('openai/gpt-a');
    expect(answer.meta.hedge).toBeDefined();
    expect(requests('gpt-b')).toBe(0);
  });

  it('caps hedges at the budget while a target stays slow', async () => {
    const e = engine();
    await warmUp(e, 40);
    mock.setScenario(withModel('gpt-a', { latency: { fixedMs: 1000 } }));
    const calls = Array.from({ length: 100 }, () => e.call('openai', ask('chat')));
    await eventually(() => expect(requests('gpt-a')).toBe(100));
    await clock.advance(200);
    // Every hedge that started reaches gpt-b, and answers at 300 ms, before gpt-a.
    await eventually(() => {
      expect(e.counters().hedges).toBeGreaterThan(0);
      expect(requests('gpt-b')).toBe(e.counters().hedges);
    });
    await clock.advance(100);
    await clock.advance(700);
    await Promise.all(calls);
    // 140 attempts on gpt-a in the window: at most 5 % of them hedged.
    const { hedges } = e.counters();
    expect(hedges).toBeGreaterThan(0);
    expect(hedges).toBeLessThanOrEqual(Math.ceil(0.05 * 140));
    expect(requests('gpt-b')).toBe(hedges);
    expect(e.counters().hedgesWon).toBe(hedges);
  });

  it('hedges a stream that has its headers but no content by the delay; the hedge streams the answer', async () => {
    const { admission, settled } = recordingAdmission();
    const e = engine({}, admission);
    await warmUp(e, 40, { stream: true });
    settled.length = 0;
    // gpt-a sends its headers and the role chunk at 100 ms, then nothing for 5 s: no content.
    mock.setScenario(
      withModel('gpt-a', {
        faults: [{ kind: 'stall_midstream', afterChunks: 1, delayMs: 5000, probability: 1 }],
      }),
    );
    const call = e.call('openai', ask('chat', { stream: true }));
    await eventually(() => expect(requests('gpt-a')).toBe(1));
    await clock.advance(100);
    // Delay: 2 × the p95 time to first content (100 ms) = 200 ms, headers or not.
    await clock.advance(99);
    expect(requests('gpt-b')).toBe(0);
    await clock.advance(1);
    await eventually(() => expect(requests('gpt-b')).toBe(1));
    await clock.advance(100);
    const answer = await call;
    expect(answer.kind).toBe('stream');
    if (answer.kind !== 'stream') return;
    expect(answer.meta).toMatchObject({ target: 'openai/gpt-b', hedge: 'won' });
    let text = '';
    for await (const chunk of answer.body) text += Buffer.from(chunk).toString('utf8');
    expect(text).toContain('[DONE]');
    // The stalled stream is closed and its lease settled as a cancellation.
    const loser = settled.find((s) => s.target === 'openai/gpt-a');
    expect((loser?.settlement.error as BreakwaterError | undefined)?.code).toBe('aborted');
    expect(e.counters()).toMatchObject({ hedges: 1, hedgesWon: 1 });
  });

  it('never hedges a stream that has committed, however long it then stalls', async () => {
    const e = engine();
    await warmUp(e, 40, { stream: true });
    mock.setScenario(
      withModel('gpt-a', {
        faults: [{ kind: 'stall_midstream', afterChunks: 3, delayMs: 5000, probability: 1 }],
      }),
    );
    const answer = await (async () => {
      const call = e.call('openai', ask('chat', { stream: true }));
      await eventually(() => expect(requests('gpt-a')).toBe(1));
      await clock.advance(100);
      return call;
    })();
    expect(answer.kind).toBe('stream');
    if (answer.kind !== 'stream') return;
    let done = false;
    const reading = (async () => {
      let text = '';
      for await (const chunk of answer.body) text += Buffer.from(chunk).toString('utf8');
      done = true;
      return text;
    })();
    // Past the hedge delay, and on through the stall (5 s) until the stream ends.
    for (let i = 0; i < 40 && !done; i++) {
      await clock.advance(250);
      expect(requests('gpt-b')).toBe(0);
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(await reading).toContain('[DONE]');
    expect(requests('gpt-b')).toBe(0);
    expect(e.counters().hedges).toBe(0);
  });

  it('does not hedge on a route that turns it off, nor when the deadline cannot fit it', async () => {
    const e = engine();
    await warmUp(e);
    mock.setScenario(withModel('gpt-a', { faults: [{ kind: 'hang', probability: 1 }] }));
    const off = e.call('openai', ask('calm'), { deadlineMs: 1000 }).catch((err) => err);
    const short = e.call('openai', ask('chat'), { deadlineMs: 150 }).catch((err) => err);
    await eventually(() => expect(requests('gpt-a')).toBe(2));
    await clock.advance(150);
    expect(((await short) as BreakwaterError).code).toBe('deadline_exceeded');
    await clock.advance(850);
    expect(((await off) as BreakwaterError).code).toBe('deadline_exceeded');
    expect(requests('gpt-b')).toBe(0);
    expect(e.counters().hedges).toBe(0);
  });
});
