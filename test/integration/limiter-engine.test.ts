/**
 * The limiter inside the engine, against the simulator's own rate limits, on one manual clock
 * (simulated seconds, no real waiting): under three times the limit no upstream 429 happens and
 * the limit is used; no admitted request waited past its deadline; a limit lower than configured
 * is found through the headers and AIMD; a limit that is hit fails over to the next tier; a
 * budget stops calls before they are sent; streams settle their leases with the usage they saw.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config/config-resolve.ts';
import { ManualClock } from '../../src/core/clock.ts';
import { Engine } from '../../src/engine/engine.ts';
import { isBreakwaterError } from '../../src/errors/index.ts';
import { createLimiter, type Limiter, type LimiterOptions } from '../../src/limiter/index.ts';
import { type MockServer, type Scenario, startMock } from '../../src/mock/index.ts';
import { estimateInputTokens } from '../../src/mock/token-estimate.ts';

const START = Date.UTC(2026, 0, 1, 12);
let mock: MockServer | undefined;
let engine: Engine | undefined;
afterEach(async () => {
  await engine?.close();
  await mock?.close();
  engine = undefined;
  mock = undefined;
});

async function setup(scenario: Scenario, options: Omit<LimiterOptions, 'clock'>) {
  const clock = new ManualClock(START);
  mock = await startMock(scenario, { clock });
  const config = resolveConfig(
    {
      providers: {
        openai: { baseUrl: mock.url, apiKey: 'sk-test' },
        anthropic: { baseUrl: mock.url, apiKey: 'sk-ant-test' },
      },
      policy: { retry: { baseMs: 100, capMs: 1000 } },
      routes: {
        chat: { tiers: ['openai/gpt-4o', 'anthropic/claude-haiku-4-5'] },
      },
    },
    { env: {} },
  );
  const limiter = createLimiter({ clock, ...options });
  engine = new Engine(config, { clock, admission: limiter });
  return { clock, limiter, engine, mock };
}

interface Outcome {
  ok: boolean;
  code?: string;
  target?: string;
}

/** Runs calls on the manual clock: start them, then move time in small steps, letting I/O finish. */
class Driver {
  readonly outcomes: Outcome[] = [];
  #started = 0;
  readonly clock: ManualClock;
  readonly limiter: Limiter;

  constructor(clock: ManualClock, limiter: Limiter) {
    this.clock = clock;
    this.limiter = limiter;
  }

  start(call: () => Promise<{ meta: { target?: string } }>): void {
    this.#started++;
    call().then(
      (answer) => this.outcomes.push({ ok: true, target: answer.meta.target }),
      (error: unknown) =>
        this.outcomes.push({ ok: false, code: isBreakwaterError(error) ? error.code : 'thrown' }),
    );
  }

  /** Lets every call that can finish without time moving finish. */
  async quiesce(): Promise<void> {
    for (let i = 0; i < 2000; i++) {
      const waiting = this.limiter
        .stats()
        .lanes.reduce((n, l) => n + l.waiting.high + l.waiting.normal + l.waiting.low, 0);
      if (this.outcomes.length + waiting >= this.#started && i > 3) return;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  async advance(ms: number, stepMs = 20): Promise<void> {
    for (let t = 0; t < ms; t += stepMs) {
      await this.quiesce();
      await this.clock.advance(stepMs);
    }
    await this.quiesce();
  }
}

const ask = (tokens: number) => ({
  model: 'openai/gpt-4o',
  max_tokens: 20,
  messages: [{ role: 'user', content: 'word '.repeat(tokens) }],
});

describe('the limiter against the simulator', () => {
  it('under 3× the limit: no upstream 429, the limit used, nobody waits past its deadline', async () => {
    const { clock, limiter, mock } = await setup(
      { default: { outputTokens: 10, rateLimits: { rpm: 60, tpm: 6_000 } } },
      { targets: { 'openai/gpt-4o': { rpm: 60, tpm: 6_000 } } },
    );
    const driver = new Driver(clock, limiter);
    let maxWait = 0;
    limiter.onEvent((e) => {
      if (e.type === 'admitted') maxWait = Math.max(maxWait, e.waitMs);
    });
    // 3 requests per simulated second of ~100 tokens each, for 30 s: 3× both limits.
    for (let s = 0; s < 30; s++) {
      for (let i = 0; i < 3; i++) {
        driver.start(() => engine!.call('openai', ask(60 + i * 20), { deadlineMs: 5_000 }));
      }
      await driver.advance(1000);
    }
    await driver.advance(6_000);
    const stats = mock.stats().models['gpt-4o']!;
    expect(stats.status_429 ?? 0).toBe(0);
    const ok = driver.outcomes.filter((o) => o.ok).length;
    // TPM binds: the simulator charges its own prompt estimate + max_tokens; it allows a full
    // bucket plus the refill until the last offer's deadline (30 s + 5 s).
    const perCall = [0, 1, 2].map((i) => estimateInputTokens(ask(60 + i * 20)) + 20);
    const allowed = (6_000 + 35 * 100) / (perCall.reduce((a, b) => a + b) / 3);
    expect(ok / allowed).toBeGreaterThanOrEqual(0.95);
    expect(ok).toBeLessThanOrEqual(Math.ceil(allowed));
    expect(driver.outcomes.filter((o) => !o.ok).every((o) => o.code === 'rate_limited')).toBe(true);
    expect(maxWait).toBeLessThanOrEqual(5_000);
    expect(limiter.stats().lanes[0]!.inFlight).toBe(0);
  });

  it('finds a limit lower than configured through the headers and AIMD', async () => {
    const { clock, limiter, mock } = await setup(
      { default: { outputTokens: 5, rateLimits: { rpm: 30 } } },
      { targets: { 'openai/gpt-4o': { rpm: 120 } } },
    );
    const driver = new Driver(clock, limiter);
    const run = async (seconds: number) => {
      const before = mock.stats().models['gpt-4o']?.status_429 ?? 0;
      for (let s = 0; s < seconds; s++) {
        for (let i = 0; i < 2; i++)
          driver.start(() => engine!.call('openai', ask(5), { deadlineMs: 3_000 }));
        await driver.advance(1000);
      }
      return (mock.stats().models['gpt-4o']?.status_429 ?? 0) - before;
    };
    const early = await run(30);
    const late = await run(30);
    expect(limiter.stats().lanes[0]!.limits.requests).toBe(30);
    expect(late).toBe(0);
    expect(early).toBeLessThan(10);
  });

  it('fails over to the next tier when the first one is at its limit', async () => {
    const { clock, limiter } = await setup(
      { default: { outputTokens: 5 } },
      { targets: { 'openai/gpt-4o': { rpm: 1 } } },
    );
    const driver = new Driver(clock, limiter);
    for (let i = 0; i < 2; i++) {
      driver.start(() =>
        engine!.call('openai', { ...ask(5), model: 'chat' }, { deadlineMs: 5_000 }),
      );
    }
    await driver.advance(100);
    expect(driver.outcomes.map((o) => o.target).sort()).toEqual([
      'anthropic/claude-haiku-4-5',
      'openai/gpt-4o',
    ]);
  });

  it('stops calls over a budget before they are sent', async () => {
    const { clock, limiter, mock } = await setup(
      { default: { outputTokens: 5 } },
      {
        catalog: { 'gpt-4o': { inputUsdPerMTok: 1e6, outputUsdPerMTok: 1e6 } },
        budgets: { tenants: { '*': { dailyUsd: 100 } } },
      },
    );
    const driver = new Driver(clock, limiter);
    // At $1 a token each call may cost up to $33 (13 prompt + 20 output): three fit in $100
    // while in flight together, whatever they turn out to cost.
    for (let i = 0; i < 5; i++)
      driver.start(() => engine!.call('openai', ask(5), { tenant: 'acme' }));
    await driver.advance(10);
    expect(driver.outcomes.map((o) => o.code ?? 'ok').sort()).toEqual([
      'budget_exceeded',
      'budget_exceeded',
      'ok',
      'ok',
      'ok',
    ]);
    expect(mock.stats().models['gpt-4o']!.requests).toBe(3);
    const spent = limiter.stats().budgets['tenant|acme|day']!;
    expect(spent.reservedUsd).toBe(0);
    expect(spent.spentUsd).toBeLessThan(100);
  });

  it('a stream settles its lease with the usage it carried, and a dropped stream frees its slot', async () => {
    const { limiter } = await setup(
      { default: { outputTokens: 8 } },
      {
        calibration: false,
        targets: { 'anthropic/*': { otpm: 1000, maxConcurrent: 1 } },
      },
    );
    const body = {
      model: 'anthropic/claude-haiku-4-5',
      max_tokens: 100,
      stream: true,
      messages: [{ role: 'user', content: 'hi' }],
    };
    const answer = await engine!.call('anthropic', body, { deadlineMs: 10_000 });
    if (answer.kind !== 'stream') throw new Error('expected a stream');
    for await (const _ of answer.body) {
      // read to the end
    }
    let lane = limiter.stats().lanes[0]!;
    expect(lane.levels.output).toBe(1000 - 8);
    expect(lane.inFlight).toBe(0);
    const dropped = await engine!.call('anthropic', body, { deadlineMs: 10_000 });
    if (dropped.kind !== 'stream') throw new Error('expected a stream');
    const reader = dropped.body[Symbol.asyncIterator]();
    await reader.next();
    await reader.return?.();
    lane = limiter.stats().lanes[0]!;
    expect(lane.inFlight).toBe(0);
  });
});
