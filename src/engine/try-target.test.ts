import { afterEach, describe, expect, it } from 'vitest';
import type { BreakwaterConfig, ResolvedRoute, RouteConfig } from '../config/config-types.ts';
import { ManualClock } from '../core/clock.ts';
import { completion, message } from '../dialects/answers.fixture.ts';
import {
  ANTHROPIC,
  BAD_REQUEST_BODY,
  chatRequest,
  drive,
  type FakeUpstream,
  fakeUpstream,
  OPENAI,
  testConfig,
  testDeps,
  testRun,
  UNAVAILABLE_BODY,
} from './engine.fixture.ts';
import { tryTarget } from './try-target.ts';

let upstream: FakeUpstream;

afterEach(async () => {
  await upstream.pool.close();
});

const unavailable = UNAVAILABLE_BODY;
const badRequest = BAD_REQUEST_BODY;

function setup(route: Partial<RouteConfig> = {}, extra: Partial<BreakwaterConfig> = {}) {
  const clock = new ManualClock(1_000_000);
  upstream = fakeUpstream(clock);
  const config = testConfig(
    { chat: { tiers: ['openai/gpt-4o', 'anthropic/claude-sonnet-4-5'], ...route } },
    extra,
  );
  const { deps, admission } = testDeps(upstream, clock);
  const chat = config.routes.get('chat') as ResolvedRoute;
  const [openai, anthropic] = [chat.tiers[0]![0]!, chat.tiers[1]![0]!];
  return { deps, admission, clock, chat, openai, anthropic };
}

describe('tryTarget', () => {
  it('retries a retryable failure after a full-jitter backoff on the clock', async () => {
    const { deps, clock, chat, openai } = setup();
    upstream.reply(OPENAI, 503, unavailable);
    upstream.reply(OPENAI, 200, completion());
    const run = testRun(chat, chatRequest(), clock);
    const outcome = await drive(clock, tryTarget(deps, run, openai, 0, { last: false })).then(
      (r) => r.outcome,
    );

    expect(outcome.ok).toBe(true);
    expect(run.trail.map((r) => r.result)).toEqual(['error', 'ok']);
    // random() fixed at 0.999: the first wait is just under base × 2^0 = 1000 ms.
    const [first, second] = upstream.received;
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(999);
    expect(second!.at - first!.at).toBeLessThan(1100);
  });

  it("waits at least the server's Retry-After", async () => {
    const { deps, clock, chat, openai } = setup();
    upstream.reply(
      OPENAI,
      429,
      { error: { message: 'slow down', type: 'requests' } },
      {
        'retry-after': '3',
      },
    );
    upstream.reply(OPENAI, 200, completion());
    const run = testRun(chat, chatRequest(), clock);
    const outcome = await drive(clock, tryTarget(deps, run, openai, 0, { last: false })).then(
      (r) => r.outcome,
    );

    expect(outcome.ok).toBe(true);
    const [first, second] = upstream.received;
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(3000);
  });

  it('does not retry a verdict that no retry can change', async () => {
    const { deps, clock, chat, openai } = setup();
    upstream.reply(OPENAI, 400, badRequest);
    const run = testRun(chat, chatRequest(), clock);
    const outcome = await drive(clock, tryTarget(deps, run, openai, 0, { last: false })).then(
      (r) => r.outcome,
    );

    expect(outcome.ok ? undefined : outcome.error.code).toBe('invalid_request');
    expect(upstream.received).toHaveLength(1);
  });

  it('stops after the route’s attempts, each on the same target', async () => {
    const { deps, clock, chat, openai } = setup({ policy: { retry: { maxAttempts: 3 } } });
    for (let i = 0; i < 3; i++) upstream.reply(OPENAI, 503, unavailable);
    const run = testRun(chat, chatRequest(), clock);
    const outcome = await drive(clock, tryTarget(deps, run, openai, 0, { last: false })).then(
      (r) => r.outcome,
    );

    expect(outcome.ok ? undefined : outcome.error.code).toBe('unavailable');
    expect(run.trail.map((r) => `${r.target} ${r.result} ${r.status}`)).toEqual([
      'openai/gpt-4o error 503',
      'openai/gpt-4o error 503',
      'openai/gpt-4o error 503',
    ]);
  });

  it('does not sleep past the deadline: a wait longer than what is left ends the target at once', async () => {
    const { deps, clock, chat, openai } = setup();
    upstream.reply(
      OPENAI,
      429,
      { error: { message: 'slow down', type: 'requests' } },
      {
        'retry-after': '20',
      },
    );
    const run = testRun(chat, chatRequest(), clock, { deadlineMs: 5_000 });
    const started = clock.now();
    const outcome = await drive(clock, tryTarget(deps, run, openai, 0, { last: false })).then(
      (r) => r.outcome,
    );

    expect(outcome.ok ? undefined : outcome.error.code).toBe('rate_limited');
    expect(upstream.received).toHaveLength(1);
    expect(clock.now() - started).toBeLessThan(1_000);
  });

  it('moves on once a failure opened the breaker, attempts left or not', async () => {
    const { deps, clock, chat, openai } = setup(
      {},
      { policy: { breaker: { consecutiveFailures: 1 } } },
    );
    const refused = () => Object.assign(new Error('refused'), { code: 'ECONNREFUSED' });
    upstream.fail(OPENAI, refused());
    upstream.fail(OPENAI, refused());
    const run = testRun(chat, chatRequest(), clock);
    const outcome = await drive(clock, tryTarget(deps, run, openai, 0, { last: false })).then(
      (r) => r.outcome,
    );

    expect(outcome.ok ? undefined : outcome.error.code).toBe('connection');
    expect(run.trail).toHaveLength(1);
    expect(upstream.agent.pendingInterceptors()).toHaveLength(1);
  });

  it('skips a target that cannot take the request, without calling it', async () => {
    const { deps, clock, chat, anthropic } = setup();
    // Anthropic answers one choice: n > 1 cannot be translated.
    const run = testRun(chat, chatRequest({ n: 2 }), clock);
    const outcome = await drive(clock, tryTarget(deps, run, anthropic, 1, { last: true })).then(
      (r) => r.outcome,
    );

    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.error.code).toBe('unprocessable');
    expect(outcome.error.fallbackable).toBe(true);
    expect(run.trail).toEqual([
      {
        target: 'anthropic/claude-sonnet-4-5',
        tier: 1,
        result: 'skipped',
        code: 'unprocessable',
        latencyMs: 0,
      },
    ]);
    expect(upstream.received.filter((r) => r.origin === ANTHROPIC)).toHaveLength(0);
  });

  it('sends a cross-dialect target its own dialect, with the default max_tokens it requires', async () => {
    const { deps, clock, chat, anthropic } = setup();
    upstream.reply(ANTHROPIC, 200, message());
    const run = testRun(chat, chatRequest(), clock);
    const outcome = await drive(clock, tryTarget(deps, run, anthropic, 1, { last: true })).then(
      (r) => r.outcome,
    );

    expect(outcome.ok).toBe(true);
    expect(upstream.received[0]!.body).toMatchObject({
      model: 'claude-sonnet-4-5',
      max_tokens: 4096,
      messages: [{ role: 'user', content: 'Hello' }],
    });
    expect(upstream.received[0]!.headers['x-api-key']).toBe('ak-one');
  });
});
