/**
 * The run of one call through a route (engine.ts): tiers in order, what ends the route early,
 * the context-window target, and the last resorts — a cached answer, the static message — with
 * the trail the final error carries. Upstream is a fake pool; time is a manual clock.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { BreakwaterConfig, RouteConfig } from '../config/config-types.ts';
import { ManualClock } from '../core/clock.ts';
import { completion, message } from '../dialects/answers.fixture.ts';
import { BreakwaterError } from '../errors/index.ts';
import {
  ANTHROPIC,
  BAD_REQUEST_BODY,
  chatRequest,
  drive,
  type FakeUpstream,
  fakeUpstream,
  OPENAI,
  openaiStream,
  RecordingAdmission,
  testConfig,
  UNAVAILABLE_BODY,
} from './engine.fixture.ts';
import { Engine, type EngineAnswer } from './engine.ts';

let upstream: FakeUpstream;

afterEach(async () => {
  await upstream.pool.close();
});

const unavailable = UNAVAILABLE_BODY;
const once = { retry: { maxAttempts: 1 } };

function setup(route: Partial<RouteConfig> = {}, extra: Partial<BreakwaterConfig> = {}) {
  const clock = new ManualClock(1_000_000);
  upstream = fakeUpstream(clock);
  const config = testConfig(
    {
      chat: {
        tiers: ['openai/gpt-4o', 'anthropic/claude-sonnet-4-5'],
        ...route,
        policy: { ...once, ...route.policy },
      },
    },
    extra,
  );
  const admission = new RecordingAdmission();
  const engine = new Engine(config, { clock, pool: upstream.pool, admission, random: () => 0.5 });
  const call = (body: Record<string, unknown> = chatRequest()) =>
    drive(clock, engine.call('openai', body));
  return { engine, clock, admission, call };
}

async function text(answer: EngineAnswer): Promise<string> {
  if (answer.kind === 'json') return JSON.stringify(answer.body);
  let out = '';
  for await (const chunk of answer.body) out += Buffer.from(chunk).toString('utf8');
  return out;
}

describe('Engine.call', () => {
  it('answers from the first tier when it succeeds', async () => {
    const { call } = setup();
    upstream.reply(OPENAI, 200, completion());
    const answer = await call();
    expect(answer.meta).toMatchObject({
      route: 'chat',
      target: 'openai/gpt-4o',
      attempts: 1,
      fallback: 'none',
      cache: 'off',
    });
    expect(answer.kind === 'json' && answer.raw).toBe(JSON.stringify(completion()));
  });

  it("falls back to the next tier and answers in the caller's dialect", async () => {
    const { call } = setup();
    upstream.reply(OPENAI, 503, unavailable);
    upstream.reply(ANTHROPIC, 200, message());
    const answer = await call();

    expect(answer.meta).toMatchObject({
      target: 'anthropic/claude-sonnet-4-5',
      attempts: 2,
      fallback: 'tier',
    });
    expect(answer.meta.trail.map((r) => `${r.target} ${r.result}`)).toEqual([
      'openai/gpt-4o error',
      'anthropic/claude-sonnet-4-5 ok',
    ]);
    expect(answer.kind).toBe('json');
    if (answer.kind !== 'json') return;
    // Translated: an OpenAI completion built from the Anthropic message, no raw bytes passed on.
    expect(answer.raw).toBeUndefined();
    expect(answer.body).toMatchObject({ object: 'chat.completion' });
  });

  it('stops at a failure no other tier can fix, and says what was tried', async () => {
    const { call } = setup();
    upstream.reply(OPENAI, 400, { error: { message: 'bad', type: 'invalid_request_error' } });
    const error = await call().catch((e: unknown) => e);

    expect(error).toBeInstanceOf(BreakwaterError);
    expect((error as BreakwaterError).code).toBe('invalid_request');
    expect((error as BreakwaterError).attempts).toEqual([
      expect.objectContaining({ target: 'openai/gpt-4o', result: 'error', status: 400 }),
    ]);
    expect(upstream.received.map((r) => r.origin)).toEqual([OPENAI]);
  });

  it('fails with the last error and every attempt when every tier failed', async () => {
    const { call } = setup();
    upstream.reply(OPENAI, 503, unavailable);
    upstream.reply(ANTHROPIC, 529, {
      type: 'error',
      error: { type: 'overloaded_error', message: 'Overloaded' },
    });
    const error = (await call().catch((e: unknown) => e)) as BreakwaterError;

    expect(error.code).toBe('overloaded');
    expect(error.attempts?.map((a) => a.target)).toEqual([
      'openai/gpt-4o',
      'anthropic/claude-sonnet-4-5',
    ]);
    expect(error.message).toContain('tried: openai/gpt-4o 503 unavailable');
  });

  it('tries the larger-context target after a context overflow', async () => {
    const { call } = setup({ tiers: ['openai/gpt-4o'], contextFallback: 'openai/gpt-4.1' });
    upstream.reply(OPENAI, 400, {
      error: {
        message: "This model's maximum context length is 128000 tokens.",
        type: 'invalid_request_error',
        code: 'context_length_exceeded',
      },
    });
    upstream.reply(OPENAI, 200, completion());
    const answer = await call();

    expect(answer.meta).toMatchObject({ target: 'openai/gpt-4.1', fallback: 'context' });
    expect(upstream.received.map((r) => r.body.model)).toEqual(['gpt-4o', 'gpt-4.1']);
  });

  it('answers with the route’s static message when every tier failed', async () => {
    const { call } = setup({ tiers: ['openai/gpt-4o'], staticMessage: 'Try again soon.' });
    upstream.reply(OPENAI, 503, unavailable);
    const answer = await call();

    expect(answer.meta).toMatchObject({ fallback: 'static', attempts: 1 });
    expect(answer.meta.target).toBeUndefined();
    expect(await text(answer)).toContain('Try again soon.');
  });

  it('answers with the last good answer before the static message, when the route caches', async () => {
    const { call } = setup({
      tiers: ['openai/gpt-4o'],
      staticMessage: 'Try again soon.',
      policy: { cache: { mode: 'fallback' } },
    });
    upstream.reply(OPENAI, 200, completion());
    upstream.reply(OPENAI, 503, unavailable);
    const first = await call();
    expect(first.meta.cache).toBe('miss');
    await new Promise((resolve) => setImmediate(resolve));

    const second = await call();
    expect(second.meta).toMatchObject({ fallback: 'cache', cache: 'hit' });
    expect(JSON.parse(await text(second))).toEqual(completion());
  });

  it('serves a deterministic request from the cache in `always` mode without calling upstream', async () => {
    const { call } = setup({ tiers: ['openai/gpt-4o'], policy: { cache: { mode: 'always' } } });
    upstream.reply(OPENAI, 200, completion());
    await call(chatRequest({ temperature: 0 }));
    await new Promise((resolve) => setImmediate(resolve));

    const again = await call(chatRequest({ temperature: 0 }));
    expect(again.meta).toMatchObject({ cache: 'hit', fallback: 'none', attempts: 0 });
    expect(upstream.received).toHaveLength(1);
  });

  it('streams a committed answer and settles its lease once, when the stream ends', async () => {
    const { call, admission } = setup({ tiers: ['openai/gpt-4o'] });
    upstream.reply(OPENAI, 200, openaiStream(completion()));
    const answer = await call(chatRequest({ stream: true }));

    expect(answer.kind).toBe('stream');
    if (answer.kind !== 'stream') return;
    expect(admission.settlements).toHaveLength(0);
    const body = await text(answer);
    expect(body).toContain('The weather');
    expect(body.endsWith('data: [DONE]\n\n')).toBe(true);
    // The caller did not ask for usage: breakwater's own usage chunk is not passed on.
    expect(body).not.toContain('"choices":[]');
    const end = await answer.ended;
    expect(end).toMatchObject({ abandoned: false, usage: { outputTokens: 15 } });
    expect(admission.settlements).toEqual([expect.objectContaining({ usage: end.usage })]);
  });
});
