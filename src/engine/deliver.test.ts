import { describe, expect, it } from 'vitest';
import type { ResolvedRoute } from '../config/config-types.ts';
import { ManualClock } from '../core/clock.ts';
import { completion, message } from '../dialects/answers.fixture.ts';
import { replayChatCompletion } from '../dialects/openai/replay.ts';
import { ProviderError } from '../errors/index.ts';
import type { BreakerTicket } from '../policy/breaker.ts';
import { AnswerCache } from './answer-cache.ts';
import type { Delivered } from './attempt.ts';
import { createBridges, DIALECTS } from './bridge.ts';
import { deliver, fromCache, staticAnswer } from './deliver.ts';
import { chatRequest, RecordingAdmission, testConfig, testRun } from './engine.fixture.ts';
import type { EngineAnswer } from './engine.ts';
import { openStream } from './stream-commit.ts';
import { TargetRegistry } from './target-state.ts';

const bridges = createBridges();

function setup(cache: 'off' | 'fallback' = 'off') {
  const clock = new ManualClock(1_000_000);
  const config = testConfig(
    {
      chat: {
        tiers: ['openai/gpt-4o', 'anthropic/claude-sonnet-4-5'],
        policy: { cache: { mode: cache } },
      },
    },
    { policy: { breaker: { minimumCalls: 1, failureThreshold: 1, failureRate: 0.5 } } },
  );
  const route = config.routes.get('chat') as ResolvedRoute;
  const targets = new TargetRegistry(clock);
  const answers = new AnswerCache(config, clock);
  const admission = new RecordingAdmission();
  /** What an attempt on tier `tier` hands over: its target, its ticket, its lease. */
  const delivered = async (tier: number, fields: Partial<Delivered>): Promise<Delivered> => {
    const target = route.tiers[tier]![0]!;
    const state = targets.get(target, route.policy);
    const lease = await admission.acquire({} as never);
    const ticket = state.breaker.admit() as BreakerTicket;
    const bridge = bridges('openai', target.provider.dialect);
    return { state, bridge, lease, ticket, headers: { 'x-h': '1' }, tier, ...fields };
  };
  return { clock, route, answers, admission, delivered };
}

async function text(answer: EngineAnswer): Promise<string> {
  if (answer.kind === 'json') return JSON.stringify(answer.body);
  let out = '';
  for await (const chunk of answer.body) out += Buffer.from(chunk).toString('utf8');
  return out;
}

describe('deliver', () => {
  it("passes a same-dialect answer's own bytes on, and says which target answered", async () => {
    const { clock, route, answers, delivered } = setup();
    const run = testRun(route, chatRequest(), clock);
    run.trail.push({ target: 'openai/gpt-4o', tier: 0, result: 'ok', latencyMs: 5 });
    const raw = JSON.stringify(completion());
    const answer = deliver(run, await delivered(0, { json: completion(), raw }), answers);

    expect(answer).toMatchObject({ kind: 'json', body: completion(), raw });
    expect(answer.meta).toMatchObject({ target: 'openai/gpt-4o', attempts: 1, cache: 'off' });
  });

  it("translates another dialect's answer and does not pass its bytes on", async () => {
    const { clock, route, answers, delivered } = setup();
    const run = testRun(route, chatRequest(), clock);
    const answer = deliver(
      run,
      await delivered(1, { json: message(), raw: JSON.stringify(message()) }),
      answers,
    );
    expect(answer.kind === 'json' && answer.raw).toBeUndefined();
    expect(answer.kind === 'json' && answer.body).toMatchObject({ object: 'chat.completion' });
    expect(answer.meta.fallback).toBe('tier');
  });

  it('stores a good answer for the route when it caches', async () => {
    const { clock, route, answers, delivered } = setup('fallback');
    const run = testRun(route, chatRequest(), clock);
    run.cacheKey = answers.key('openai', run.request, route, {});
    deliver(run, await delivered(0, { json: completion() }), answers);
    await new Promise((resolve) => setImmediate(resolve));
    expect(await answers.fallback('openai', route, {}, run.cacheKey)).toMatchObject({
      answer: completion(),
    });
  });

  it('settles a stream’s lease when it ends, and charges the breaker for a failure after the commit', async () => {
    const { clock, route, answers, admission, delivered } = setup();
    const run = testRun(route, chatRequest({ stream: true }), clock);
    async function* events() {
      const chunks = replayChatCompletion(completion(), { includeUsage: true });
      yield* chunks.slice(0, 3);
      throw new ProviderError('unavailable', 'upstream went away', { providerStatus: 503 });
    }
    const opened = await openStream(events(), (e) => DIALECTS.openai.isContent(e));
    const given = await delivered(0, { opened });
    const aborted = run.deadline.signal;
    const answer = deliver(run, given, answers);

    expect(answer.kind).toBe('stream');
    if (answer.kind !== 'stream') return;
    expect(admission.settlements).toHaveLength(0);
    // Past the commit point the call's deadline no longer cuts the stream short.
    await clock.advance(route.policy.timeouts.deadlineMs + 1);
    expect(aborted.aborted).toBe(false);
    const body = await text(answer);
    expect(body).toContain('The weather');
    expect(body).toContain('"error"');
    const end = await answer.ended;
    expect(end.error?.code).toBe('unavailable');
    expect(admission.settlements).toEqual([
      expect.objectContaining({
        error: expect.objectContaining({ code: 'unavailable' }),
        headers: { 'x-h': '1' },
      }),
    ]);
    expect(given.state.breaker.state).toBe('open');
  });

  it('settles an abandoned stream as a cancellation, so the reservation is charged', async () => {
    const { clock, route, answers, admission, delivered } = setup();
    const run = testRun(route, chatRequest({ stream: true }), clock);
    const chunks = replayChatCompletion(completion(), { includeUsage: true });
    const opened = await openStream(
      (async function* () {
        yield* chunks;
      })(),
      (e) => DIALECTS.openai.isContent(e),
    );
    const answer = deliver(run, await delivered(0, { opened }), answers);
    if (answer.kind !== 'stream') throw new Error('expected a stream');
    for await (const _ of answer.body) break;

    expect((await answer.ended).abandoned).toBe(true);
    expect(admission.settlements[0]!.error?.code).toBe('aborted');
  });
});

describe('fromCache and staticAnswer', () => {
  it('replay a whole answer as a finished stream for a streaming caller', async () => {
    const { clock, route } = setup();
    const run = testRun(route, chatRequest({ stream: true }), clock);
    const answer = fromCache(run, completion(), 'stale', 'cache');

    expect(answer.meta).toMatchObject({ cache: 'stale', fallback: 'cache' });
    const body = await text(answer);
    expect(body).toContain('chat.completion.chunk');
    expect(body.endsWith('data: [DONE]\n\n')).toBe(true);
  });

  it('answer with the static message as a normal completion, marked as the fallback it is', async () => {
    const { clock, route } = setup();
    const run = testRun(route, chatRequest(), clock);
    const answer = staticAnswer(run, 'Back soon.', clock);

    expect(answer.kind).toBe('json');
    expect(answer.meta).toMatchObject({ fallback: 'static', cache: 'off' });
    expect(answer.kind === 'json' && answer.body).toMatchObject({
      object: 'chat.completion',
      model: 'chat',
      created: 1000,
      choices: [{ message: { role: 'assistant', content: 'Back soon.' }, finish_reason: 'stop' }],
      breakwater: { fallback: 'static' },
    });
  });
});
