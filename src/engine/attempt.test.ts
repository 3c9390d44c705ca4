import { afterEach, describe, expect, it } from 'vitest';
import type { BreakwaterConfig, ResolvedRoute, RouteConfig } from '../config/config-types.ts';
import { ManualClock } from '../core/clock.ts';
import { completion } from '../dialects/answers.fixture.ts';
import { RejectedError } from '../errors/index.ts';
import { type AttemptPlan, attempt } from './attempt.ts';
import {
  chatRequest,
  drive,
  type FakeUpstream,
  fakeUpstream,
  OPENAI,
  openaiStream,
  testConfig,
  testDeps,
  testRun,
} from './engine.fixture.ts';

let upstream: FakeUpstream;

afterEach(async () => {
  await upstream.pool.close();
});

function setup(route: Partial<RouteConfig> = {}, extra: Partial<BreakwaterConfig> = {}) {
  const clock = new ManualClock(1_000_000);
  upstream = fakeUpstream(clock);
  const config = testConfig({ chat: { tiers: ['openai/gpt-4o'], ...route } }, extra);
  const { deps, admission } = testDeps(upstream, clock);
  const chat = config.routes.get('chat') as ResolvedRoute;
  const target = chat.tiers[0]![0]!;
  const state = deps.targets.get(target, chat.policy);
  const bridge = deps.bridge('openai', 'openai');
  const plan = (request: Record<string, unknown>): AttemptPlan => {
    const upstreamRequest = bridge.request(request, target.model, 4096).request;
    return {
      state,
      bridge,
      upstream: upstreamRequest,
      body: JSON.stringify(upstreamRequest),
      tier: 0,
      final: false,
    };
  };
  return { deps, admission, clock, chat, state, plan };
}

describe('attempt', () => {
  it('sends the request with the provider key, reads the answer and settles the lease with its usage', async () => {
    const { deps, admission, clock, chat, state, plan } = setup();
    upstream.reply(OPENAI, 200, completion());
    const run = testRun(chat, chatRequest(), clock);
    const outcome = await drive(clock, attempt(deps, run, plan(run.request)));

    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    expect(outcome.value.raw).toBe(JSON.stringify(completion()));
    expect(outcome.value.usage).toMatchObject({ inputTokens: 20, outputTokens: 15 });
    expect(upstream.received).toHaveLength(1);
    expect(upstream.received[0]!.headers.authorization).toBe('Bearer sk-one');
    expect(upstream.received[0]!.body.model).toBe('gpt-4o');
    expect(admission.requests).toHaveLength(1);
    expect(admission.requests[0]).toMatchObject({ priority: 'normal', dialect: 'openai' });
    expect(admission.settlements).toEqual([
      expect.objectContaining({ usage: outcome.value.usage }),
    ]);
    expect(run.trail).toEqual([
      { target: 'openai/gpt-4o', tier: 0, result: 'ok', status: 200, latencyMs: 0 },
    ]);
    expect(state.breaker.state).toBe('closed');
  });

  it('is skipped while the breaker is open: no lease, no call, the wait until the next probe', async () => {
    const { deps, admission, clock, chat, plan } = setup(
      {},
      { policy: { breaker: { consecutiveFailures: 1, openMs: 30_000 } } },
    );
    upstream.fail(OPENAI, Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }));
    const first = testRun(chat, chatRequest(), clock);
    const failed = await drive(clock, attempt(deps, first, plan(first.request)));
    expect(failed.ok ? undefined : failed.error.code).toBe('connection');

    const run = testRun(chat, chatRequest(), clock);
    const outcome = await drive(clock, attempt(deps, run, plan(run.request)));
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.error.code).toBe('circuit_open');
    expect(outcome.error.retryAfterMs).toBeGreaterThan(0);
    expect(outcome.error.retryAfterMs).toBeLessThanOrEqual(30_000);
    expect(run.trail).toEqual([
      { target: 'openai/gpt-4o', tier: 0, result: 'skipped', code: 'circuit_open', latencyMs: 0 },
    ]);
    expect(admission.requests).toHaveLength(1);
  });

  it('is skipped when admission refuses: nothing is sent and the breaker is not charged', async () => {
    const { deps, admission, clock, chat, state, plan } = setup(
      {},
      { policy: { breaker: { consecutiveFailures: 1 } } },
    );
    admission.refuse = new RejectedError('queue_full', 'queue full: 1/1 waiting');
    const run = testRun(chat, chatRequest(), clock);
    const outcome = await drive(clock, attempt(deps, run, plan(run.request)));

    expect(outcome.ok ? undefined : outcome.error.code).toBe('queue_full');
    expect(upstream.received).toHaveLength(0);
    expect(run.trail).toEqual([
      { target: 'openai/gpt-4o', tier: 0, result: 'skipped', code: 'queue_full', latencyMs: 0 },
    ]);
    expect(state.breaker.state).toBe('closed');
    expect(state.breaker.admit().allowed).toBe(true);
  });

  it('after a 401 tries once more at once with the next key, under the same lease', async () => {
    const { deps, admission, clock, chat, plan } = setup();
    upstream.reply(OPENAI, 401, { error: { message: 'bad key', type: 'invalid_request_error' } });
    upstream.reply(OPENAI, 200, completion());
    const run = testRun(chat, chatRequest(), clock);
    const outcome = await drive(clock, attempt(deps, run, plan(run.request)));

    expect(outcome.ok).toBe(true);
    expect(upstream.received.map((r) => r.headers.authorization)).toEqual([
      'Bearer sk-one',
      'Bearer sk-two',
    ]);
    expect(run.trail.map((r) => [r.result, r.code, r.status])).toEqual([
      ['error', 'authentication', 401],
      ['ok', undefined, 200],
    ]);
    expect(admission.requests).toHaveLength(1);
    expect(admission.settlements).toHaveLength(1);
    expect(admission.settlements[0]!.error).toBeUndefined();
  });

  it('rotates only once: a second 401 fails the attempt and settles the lease with the error', async () => {
    const { deps, admission, clock, chat, plan } = setup();
    const bad = { error: { message: 'bad key', type: 'invalid_request_error' } };
    upstream.reply(OPENAI, 401, bad);
    upstream.reply(OPENAI, 401, bad);
    const run = testRun(chat, chatRequest(), clock);
    const outcome = await drive(clock, attempt(deps, run, plan(run.request)));

    expect(outcome.ok ? undefined : outcome.error.code).toBe('authentication');
    expect(upstream.received).toHaveLength(2);
    expect(admission.settlements).toEqual([
      expect.objectContaining({ error: expect.objectContaining({ code: 'authentication' }) }),
    ]);
  });

  it('counts a 503 against the breaker and settles the lease with the error', async () => {
    const { deps, admission, clock, chat, state, plan } = setup(
      {},
      { policy: { breaker: { minimumCalls: 1, failureThreshold: 1, failureRate: 0.5 } } },
    );
    upstream.reply(OPENAI, 503, { error: { message: 'overloaded', type: 'server_error' } });
    const run = testRun(chat, chatRequest(), clock);
    const outcome = await drive(clock, attempt(deps, run, plan(run.request)));

    expect(outcome.ok ? undefined : outcome.error.code).toBe('unavailable');
    expect(run.trail).toEqual([
      expect.objectContaining({ result: 'error', code: 'unavailable', status: 503 }),
    ]);
    expect(admission.settlements[0]!.error?.code).toBe('unavailable');
    expect(state.breaker.state).toBe('open');
  });

  it('turns a refusal into a failure on a route that falls back on refusals, without charging the breaker', async () => {
    const { deps, admission, clock, chat, state, plan } = setup(
      { onRefusal: 'fallback' },
      { policy: { breaker: { minimumCalls: 1, failureThreshold: 1, failureRate: 0.5 } } },
    );
    const refused = completion({ finish_reason: 'content_filter', message: { content: null } });
    upstream.reply(OPENAI, 200, refused);
    const run = testRun(chat, chatRequest(), clock);
    const outcome = await drive(clock, attempt(deps, run, plan(run.request)));

    expect(outcome.ok ? undefined : outcome.error.code).toBe('refusal');
    expect(run.trail).toEqual([
      expect.objectContaining({ result: 'error', code: 'refusal', status: 200 }),
    ]);
    // The answer was paid for: its usage is settled, not an error.
    expect(admission.settlements[0]!.usage?.outputTokens).toBe(15);
    expect(state.breaker.state).toBe('closed');
  });

  it('reads a stream up to its first content and leaves the lease open for the stream', async () => {
    const { deps, admission, clock, chat, plan } = setup();
    upstream.reply(OPENAI, 200, openaiStream(completion()));
    const run = testRun(chat, chatRequest({ stream: true }), clock);
    const outcome = await drive(clock, attempt(deps, run, plan(run.request)));

    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    const { opened } = outcome.value;
    expect(opened?.done).toBe(false);
    // The role-only preamble and the first content, nothing past the commit point.
    expect(opened?.head.at(-1)).toMatchObject({
      choices: [{ delta: { content: expect.stringMatching(/^The weather/) } }],
    });
    expect(admission.settlements).toHaveLength(0);
    await opened?.rest.return?.();
  });
});
