/**
 * The engine's policies end to end against the simulator, with time on a manual clock: the
 * deadline bounds every call, Retry-After is waited out exactly, a breaker lets one probe through
 * under concurrent load, and a caller's abort stops a backoff sleep and an upstream call at once.
 * Sockets are real (127.0.0.1); backoff, deadlines and breaker windows run on the manual clock.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { resolveConfig } from '../../src/config/config-resolve.ts';
import type { BreakwaterConfig } from '../../src/config/config-types.ts';
import { ManualClock } from '../../src/core/clock.ts';
import { Engine } from '../../src/engine/engine.ts';
import { BreakwaterError } from '../../src/errors/index.ts';
import { type MockServer, type Scenario, startMock } from '../../src/mock/index.ts';
import { logEngineEvents } from '../../src/telemetry/event-log.ts';

let mock: MockServer;
const engines: Engine[] = [];

const scenario: Scenario = {
  seed: 3,
  default: { outputTokens: 5 },
  models: {
    'gpt-hang': { faults: [{ kind: 'hang', probability: 1 }] },
    'gpt-500': { faults: [{ kind: 'status', status: 500, probability: 1 }] },
    'gpt-429': { faults: [{ kind: 'status', status: 429, retryAfterS: 2, probability: 1 }] },
  },
};

function engine(clock: ManualClock, policy: BreakwaterConfig['policy'] = {}) {
  const e = new Engine(
    resolveConfig({ providers: { openai: { baseUrl: mock.url, apiKey: 'sk-test' } }, policy }),
    { clock, random: () => 0 },
  );
  engines.push(e);
  return e;
}

const ask = (model: string) => ({
  model: `openai/${model}`,
  messages: [{ role: 'user', content: 'Hi' }],
});
const requests = (model: string) => mock.stats().models[model]?.requests ?? 0;

beforeAll(async () => {
  mock = await startMock(scenario);
});
afterEach(() => {
  mock.setScenario(scenario);
  mock.reset();
});
afterAll(async () => {
  await Promise.all(engines.map((e) => e.close()));
  await mock.close();
});

describe('engine policies', () => {
  it('ends a call at its deadline, even while the provider hangs', async () => {
    const clock = new ManualClock(Date.now());
    const e = engine(clock, { timeouts: { firstByteMs: 600_000 } });
    const call = e
      .call('openai', ask('gpt-hang'), { deadlineMs: 5000 })
      .catch((err: unknown) => err);
    await vi.waitFor(() => expect(requests('gpt-hang')).toBe(1));
    await clock.advance(4999);
    await clock.advance(1);
    const error = await call;
    expect(error).toBeInstanceOf(BreakwaterError);
    expect((error as BreakwaterError).code).toBe('deadline_exceeded');
    expect((error as BreakwaterError).message).toContain('deadline of 5000 ms');
  });

  it('waits out Retry-After before the next attempt, not a moment less', async () => {
    const clock = new ManualClock(Date.now());
    const e = engine(clock);
    // The clock moves only once the backoff sleep is under way: on a busy machine the 429 can
    // reach the mock's stats well before the engine has read it and started to wait.
    const sleep = clock.sleep.bind(clock);
    const backingOff = new Promise<void>((resolve) => {
      clock.sleep = (ms, signal) => {
        if (ms > 0) resolve();
        return sleep(ms, signal);
      };
    });
    const call = e.call('openai', ask('gpt-429'));
    await backingOff;
    expect(requests('gpt-429')).toBe(1);
    mock.setScenario({ ...scenario, models: {} });
    await clock.advance(1999);
    expect(requests('gpt-429')).toBe(1);
    await clock.advance(1);
    const answer = await call;
    expect(answer.meta.attempts).toBe(2);
    expect(answer.meta.trail.map((a) => a.code ?? 'ok')).toEqual(['rate_limited', 'ok']);
    // Same dialect: the provider's own bytes are passed on, not parsed and re-serialised.
    if (answer.kind !== 'json') throw new Error('expected a JSON answer');
    expect(answer.raw).toBeDefined();
    expect(JSON.parse(answer.raw!)).toEqual(answer.body);
  });

  it('moves on at once when Retry-After outlives the deadline, with the wait in the error', async () => {
    const clock = new ManualClock(Date.now());
    const e = engine(clock);
    const error = (await e
      .call('openai', ask('gpt-429'), { deadlineMs: 1000 })
      .catch((err: unknown) => err)) as BreakwaterError;
    expect(error.code).toBe('rate_limited');
    expect(error.retryAfterMs).toBe(2000);
    expect(requests('gpt-429')).toBe(1);
  });

  it('opens the breaker after 5 failures; then one probe, every other caller in panic mode', async () => {
    const clock = new ManualClock(Date.now());
    const e = engine(clock, { retry: { maxAttempts: 1 }, breaker: { minimumCalls: 5 } });
    for (let i = 0; i < 5; i++) await e.call('openai', ask('gpt-500')).catch(() => undefined);
    expect(requests('gpt-500')).toBe(5);
    // The only tier is ejected: the call goes past the breaker in panic mode, and fails.
    const panicked = (await e
      .call('openai', ask('gpt-500'))
      .catch((err: unknown) => err)) as BreakwaterError;
    expect(panicked.code).toBe('circuit_open');
    expect(panicked.retryAfterMs).toBe(30_000);
    expect(panicked.message).toContain(
      'is ejected (circuit open); in panic mode, openai/gpt-500 answered 500',
    );
    expect(panicked.attempts?.map((a) => [a.result, a.code, a.panic])).toEqual([
      ['skipped', 'circuit_open', undefined],
      ['error', 'server_error', true],
    ]);
    expect(requests('gpt-500')).toBe(6);

    await clock.advance(30_000);
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        e.call('openai', ask('gpt-500')).then(
          () => undefined as never,
          (err: unknown) => err as BreakwaterError,
        ),
      ),
    );
    const attempts = results.flatMap((r) => r.attempts ?? []);
    // Exactly one probe; every other caller went past the open breaker in panic mode, once each
    // (maxAttempts 1: no retry), and was told circuit_open when that failed too.
    expect(attempts.filter((a) => a.result !== 'skipped' && !a.panic)).toHaveLength(1);
    expect(attempts.filter((a) => a.panic)).toHaveLength(19);
    expect(requests('gpt-500')).toBe(6 + 20);
    expect(results.filter((r) => r.code === 'server_error')).toHaveLength(1);
    expect(results.filter((r) => r.code === 'circuit_open')).toHaveLength(19);
    const [state] = [...e.targets()];
    expect(state?.breaker.toJSON()).toMatchObject({ state: 'open', openMs: 60_000 });
  });

  it('logs every breaker transition and failed attempt, without the key', async () => {
    const clock = new ManualClock(Date.now());
    const e = engine(clock, { retry: { maxAttempts: 1 }, breaker: { minimumCalls: 5 } });
    const lines: string[] = [];
    const log = (fields: Record<string, unknown>, message: string) =>
      lines.push(`${message} ${JSON.stringify(fields)}`);
    const stop = logEngineEvents({ engine: e }, { info: log, warn: log });
    for (let i = 0; i < 5; i++) await e.call('openai', ask('gpt-500')).catch(() => undefined);
    await clock.advance(30_000);
    mock.setScenario({ ...scenario, models: {} });
    await e.call('openai', ask('gpt-500'));
    const transitions = lines.filter((l) => l.includes('"event":"breaker"'));
    expect(transitions.map((l) => l.split(' {')[0])).toEqual([
      'circuit opened for openai/gpt-500 for 30000 ms',
      'circuit half-open for openai/gpt-500: one probe',
      'circuit closed for openai/gpt-500',
    ]);
    expect(lines.filter((l) => l.includes('"event":"attempt"'))).toHaveLength(5);
    expect(lines.join('\n')).not.toContain('sk-test');
    stop();
  });

  it('stops a backoff sleep at once when the caller aborts, with no further attempt', async () => {
    const clock = new ManualClock(Date.now());
    const e = engine(clock, { retry: { baseMs: 10_000, capMs: 10_000 } });
    const ac = new AbortController();
    const call = e
      .call('openai', ask('gpt-429'), { signal: ac.signal })
      .catch((err: unknown) => err);
    await vi.waitFor(() => expect(requests('gpt-429')).toBe(1));
    await vi.waitFor(() => expect(clock.pending).toBeGreaterThan(0));
    ac.abort(new Error('user closed the tab'));
    const error = (await call) as BreakwaterError;
    expect(error.code).toBe('aborted');
    expect(error.message).toContain('user closed the tab');
    await clock.advance(60_000);
    expect(requests('gpt-429')).toBe(1);
  });

  it('cancels a hanging upstream call when the caller aborts', async () => {
    const clock = new ManualClock(Date.now());
    const e = engine(clock);
    const ac = new AbortController();
    const call = e
      .call('openai', ask('gpt-hang'), { signal: ac.signal })
      .catch((err: unknown) => err);
    await vi.waitFor(() => expect(requests('gpt-hang')).toBe(1));
    ac.abort();
    expect(((await call) as BreakwaterError).code).toBe('aborted');
    expect(clock.pending).toBe(0);
  });
});
