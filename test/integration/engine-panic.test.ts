/**
 * Panic mode through the engine, against the simulator: when every tier of a route is ejected,
 * the call goes to the target whose open period ends soonest (marked so), and only when that
 * fails is the caller told `circuit_open` with a Retry-After; under load, an ejected target gets
 * no more than its retry budget allows. And the scenario the issue was filed for: two tiers that
 * both fail 35% of the time (5xx, 529, some 429s) — 2,000 requests at 20 a second of virtual
 * time, all but a handful served, none answered `circuit_open`, whatever the breakers do (also
 * with breakers set to open at the slightest excuse).
 *
 * Sockets are real (127.0.0.1); backoff, deadlines and breaker periods run on a manual clock,
 * which the load driver moves 10 ms per turn of the event loop.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config/config-resolve.ts';
import type { BreakwaterConfig } from '../../src/config/config-types.ts';
import { ManualClock } from '../../src/core/clock.ts';
import { renderError } from '../../src/dialects/render-error.ts';
import { answerHeaders } from '../../src/engine/answer-headers.ts';
import { Engine, type EngineAnswer } from '../../src/engine/engine.ts';
import type { BreakwaterError } from '../../src/errors/index.ts';
import { type MockServer, type Scenario, startMock } from '../../src/mock/index.ts';
import { mulberry32 } from '../../src/mock/prng.ts';

let mock: MockServer;
const engines: Engine[] = [];

beforeAll(async () => {
  mock = await startMock({ seed: 11, default: { outputTokens: 3 } });
});
afterAll(async () => {
  await Promise.all(engines.map((e) => e.close()));
  await mock.close();
});

function engine(clock: ManualClock, extra: Partial<BreakwaterConfig> = {}, seed = 1) {
  const e = new Engine(
    resolveConfig({
      providers: {
        openai: { baseUrl: mock.url, apiKey: 'sk-test', breaker: { minimumCalls: 5 } },
        anthropic: { baseUrl: mock.url, apiKey: 'sk-ant-test', breaker: { minimumCalls: 5 } },
      },
      routes: { chat: { tiers: ['openai/gpt-a', 'anthropic/claude-b'] } },
      policy: { retry: { maxAttempts: 1 } },
      ...extra,
    }),
    { clock, random: mulberry32(seed).next },
  );
  engines.push(e);
  return e;
}

const ask = { model: 'chat', messages: [{ role: 'user', content: 'Hi' }] };
const down = (models: string[]): Scenario => ({
  seed: 11,
  default: { outputTokens: 3 },
  models: Object.fromEntries(
    models.map((m) => [m, { faults: [{ kind: 'status', status: 500, probability: 1 }] }]),
  ),
});
const failed = (call: Promise<unknown>) =>
  call.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (err: unknown) => err as BreakwaterError,
  );
const breakerOf = (e: Engine, id: string) =>
  [...e.targets()].find((s) => s.target.id === id)!.breaker;

/** Opens both tiers' breakers: claude-b's first, then gpt-a's 10 s later. */
async function ejectBoth(e: Engine, clock: ManualClock) {
  mock.setScenario(down(['gpt-a', 'claude-b']));
  const direct = (model: string) => ({ ...ask, model });
  for (let i = 0; i < 5; i++) await failed(e.call('openai', direct('anthropic/claude-b')));
  expect(breakerOf(e, 'anthropic/claude-b').state).toBe('open');
  await clock.advance(10_000);
  for (let i = 0; i < 5; i++) await failed(e.call('openai', direct('openai/gpt-a')));
  expect(breakerOf(e, 'openai/gpt-a').state).toBe('open');
}

describe('panic mode', () => {
  it('sends the call to the tier whose open period ends soonest first, marked, without moving its breaker', async () => {
    const clock = new ManualClock(Date.now());
    const e = engine(clock);
    await ejectBoth(e, clock);
    mock.setScenario({ seed: 11, default: { outputTokens: 3 } });
    const answer = await e.call('openai', ask);
    expect(answer.meta.target).toBe('anthropic/claude-b');
    expect(answer.meta.fallback).toBe('panic');
    expect(answerHeaders(answer.meta)['x-breakwater-fallback']).toBe('panic');
    expect(answer.meta.trail.map((a) => [a.target, a.result, a.panic])).toEqual([
      ['openai/gpt-a', 'skipped', undefined],
      ['anthropic/claude-b', 'skipped', undefined],
      ['anthropic/claude-b', 'ok', true],
    ]);
    // Only a probe closes a breaker.
    expect(breakerOf(e, 'anthropic/claude-b').state).toBe('open');
    await clock.advance(20_000);
    const probe = await e.call('openai', ask);
    expect(probe.meta.fallback).toBe('tier');
    expect(breakerOf(e, 'anthropic/claude-b').state).toBe('closed');
  });

  it('answers 503 circuit_open with Retry-After only when the panic attempts fail too', async () => {
    const clock = new ManualClock(Date.now());
    const e = engine(clock);
    await ejectBoth(e, clock);
    await clock.advance(5_000);
    const error = await failed(e.call('openai', ask));
    expect(error.code).toBe('circuit_open');
    expect(error.retryAfterMs).toBe(15_000);
    expect(error.message).toContain(
      'every tier of route chat is ejected (circuit open); in panic mode',
    );
    expect(error.attempts?.map((a) => [a.target, a.result, a.panic])).toEqual([
      ['openai/gpt-a', 'skipped', undefined],
      ['anthropic/claude-b', 'skipped', undefined],
      ['anthropic/claude-b', 'error', true],
      ['openai/gpt-a', 'error', true],
    ]);
    for (const dialect of ['openai', 'anthropic'] as const) {
      const rendered = renderError(error, dialect);
      expect(rendered.status).toBe(503);
      expect(rendered.headers['retry-after']).toBe('15');
    }
  });

  it('still prefers a static message to the 503, and a client error to either', async () => {
    const clock = new ManualClock(Date.now());
    const e = engine(clock, {
      routes: {
        chat: { tiers: ['openai/gpt-a', 'anthropic/claude-b'], staticMessage: 'Busy, sorry.' },
      },
    });
    await ejectBoth(e, clock);
    const answer = await e.call('openai', ask);
    expect(answer.meta.fallback).toBe('static');
    expect(answer.meta.trail.at(-1)?.panic).toBe(true);
  });
});

/**
 * `count` calls, one every `everyMs` of virtual time, with the clock moved 10 ms per turn of the
 * event loop until all have ended.
 */
async function load(e: Engine, clock: ManualClock, count: number, everyMs: number) {
  const answers: EngineAnswer[] = [];
  const errors: BreakwaterError[] = [];
  const start = clock.now();
  let launched = 0;
  let pending = 0;
  while (launched < count || pending > 0) {
    while (launched < count && clock.now() >= start + launched * everyMs) {
      launched++;
      pending++;
      e.call('openai', ask).then(
        (a) => {
          answers.push(a);
          pending--;
        },
        (err: BreakwaterError) => {
          errors.push(err);
          pending--;
        },
      );
    }
    await clock.advance(10);
    await new Promise((resolve) => setImmediate(resolve));
  }
  return { answers, errors };
}

describe('panic mode under load, both tiers down', () => {
  it('keeps each ejected target within its retry budget, never maxAttempts per call', async () => {
    mock.setScenario(down(['gpt-a', 'claude-b']));
    mock.reset();
    const clock = new ManualClock(Date.now());
    // The default retry policy: up to 4 attempts a target, half the requests as retries.
    const e = engine(clock, { policy: {} }, 7);
    const started = clock.now();
    const calls = 200;
    const { answers, errors } = await load(e, clock, calls, 50);
    expect(answers).toEqual([]);
    expect(errors).toHaveLength(calls);
    // Both breakers opened early on; nearly every call then went to both targets in panic mode.
    const panicked = errors.filter((err) => err.attempts?.some((a) => a.panic));
    expect(panicked.length).toBeGreaterThan(calls * 0.9);
    for (const err of panicked) {
      expect(err.code).toBe('circuit_open');
      expect(err.retryAfterMs).toBeGreaterThan(0);
    }
    // Each target saw each call once, and retries at most half as many again (plus the budget's
    // floor of 10 per 10 s window) — not the 4 attempts a call its retry policy allows.
    const windows = Math.ceil((clock.now() - started) / 10_000) + 1;
    for (const model of ['gpt-a', 'claude-b']) {
      const requests = mock.stats().models[model]?.requests ?? 0;
      expect(requests).toBeGreaterThanOrEqual(calls);
      expect(requests).toBeLessThanOrEqual(calls * 1.5 + 10 * windows);
    }
  }, 60_000);
});

const flaky35: Scenario = {
  seed: 35,
  default: {
    outputTokens: 3,
    faults: [
      { kind: 'status', status: 500, probability: 0.1 },
      { kind: 'status', status: 503, probability: 0.08 },
      { kind: 'status', status: 529, probability: 0.1 },
      { kind: 'status', status: 502, probability: 0.04 },
      { kind: 'status', status: 429, retryAfterS: 1, probability: 0.03 },
    ],
  },
};

describe('two tiers both failing 35% of the time, 2,000 requests', () => {
  for (const [name, breaker] of [
    ['default breakers', undefined],
    ['breakers that open at the slightest excuse', { minimumCalls: 5, failureRate: 0.3 }],
  ] as const) {
    it(`keeps the route serving with ${name}: ≥ 99% answered, circuit_open only after panic`, async () => {
      mock.setScenario(flaky35);
      mock.reset();
      const clock = new ManualClock(Date.now());
      const opened: string[] = [];
      const e = engine(
        clock,
        {
          providers: {
            openai: { baseUrl: mock.url, apiKey: 'sk-test', breaker },
            anthropic: { baseUrl: mock.url, apiKey: 'sk-ant-test', breaker },
          },
          policy: {},
        },
        35,
      );
      e.onEvent((ev) => {
        if (ev.type === 'breaker' && ev.transition.to === 'open') opened.push(ev.target);
      });
      const { answers, errors } = await load(e, clock, 2000, 50);
      expect(answers.length + errors.length).toBe(2000);
      expect(answers.length / 2000).toBeGreaterThanOrEqual(0.99);
      const panics = answers.filter((a) => a.meta.fallback === 'panic').length;
      const circuitOpen = errors.filter((err) => err.code === 'circuit_open');
      if (!breaker) {
        expect(circuitOpen).toEqual([]);
      } else {
        // With such breakers both tiers are often ejected at once: panic mode is what serves. A
        // caller may still hear circuit_open, but only after panic attempts failed on every tier.
        expect(new Set(opened).size).toBe(2);
        expect(panics).toBeGreaterThan(0);
        for (const err of circuitOpen) {
          const tried = new Set(err.attempts?.filter((a) => a.panic).map((a) => a.target));
          expect(tried.size).toBe(2);
        }
      }
      console.info(
        // The figures for the note and docs/engine.md.
        `${name}: ${answers.length}/2000 answered, ${errors.length} errors (${[...new Set(errors.map((x) => x.code))].join(', ') || 'none'}; ${circuitOpen.length} circuit_open), ${opened.length} breaker openings, ${panics} answered in panic mode`,
      );
    }, 60_000);
  }
});
