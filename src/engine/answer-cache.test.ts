import { describe, expect, it } from 'vitest';
import type { ResolvedRoute, RouteConfig } from '../config/config-types.ts';
import { ManualClock } from '../core/clock.ts';
import { completion, message } from '../dialects/answers.fixture.ts';
import { AnswerCache } from './answer-cache.ts';
import { chatRequest, testConfig } from './engine.fixture.ts';

function setup(cache: NonNullable<RouteConfig['policy']>['cache']) {
  const clock = new ManualClock(1_000_000);
  const config = testConfig({
    cached: { tiers: ['openai/gpt-4o'], policy: { cache } },
    plain: { tiers: ['openai/gpt-4o'] },
  });
  const route = (name: string) => config.routes.get(name) as ResolvedRoute;
  return {
    clock,
    answers: new AnswerCache(config, clock),
    cached: route('cached'),
    plain: route('plain'),
  };
}

describe('AnswerCache', () => {
  it('keys only routes that cache, by request and tenant, whatever target answers', () => {
    const { answers, cached, plain } = setup({ mode: 'fallback' });
    expect(answers.key('openai', chatRequest(), plain, {})).toBeUndefined();
    const key = answers.key('openai', chatRequest(), cached, {});
    expect(key).toBeDefined();
    expect(answers.key('openai', chatRequest(), cached, {})).toBe(key);
    expect(answers.key('openai', chatRequest(), cached, { tenant: 'acme' })).not.toBe(key);
    expect(answers.key('openai', chatRequest({ temperature: 1 }), cached, {})).not.toBe(key);
  });

  it('holds nothing when no route caches and no store was given', async () => {
    const clock = new ManualClock();
    const answers = new AnswerCache(testConfig({ plain: { tiers: ['openai/gpt-4o'] } }), clock);
    expect(answers.stats()).toBeUndefined();
  });

  it('serves before any call only in `always` mode, and only a deterministic request', async () => {
    const always = setup({ mode: 'always' });
    const deterministic = chatRequest({ temperature: 0 });
    const key = always.answers.key('openai', deterministic, always.cached, {})!;
    await always.answers.store('openai', always.cached, {}, key, completion());
    expect(await always.answers.serve('openai', deterministic, always.cached, {}, key)).toEqual({
      answer: completion(),
      stale: false,
    });
    const sampled = chatRequest({ temperature: 0.7 });
    const sampledKey = always.answers.key('openai', sampled, always.cached, {})!;
    await always.answers.store('openai', always.cached, {}, sampledKey, completion());
    expect(
      await always.answers.serve('openai', sampled, always.cached, {}, sampledKey),
    ).toBeUndefined();
    expect(
      await always.answers.serve('openai', deterministic, always.cached, { noCache: true }, key),
    ).toBeUndefined();

    const fallback = setup({ mode: 'fallback' });
    const fkey = fallback.answers.key('openai', deterministic, fallback.cached, {})!;
    await fallback.answers.store('openai', fallback.cached, {}, fkey, completion());
    expect(
      await fallback.answers.serve('openai', deterministic, fallback.cached, {}, fkey),
    ).toBeUndefined();
  });

  it('falls back to an expired answer only when the route allows stale ones', async () => {
    for (const allowStale of [true, false]) {
      const { clock, answers, cached } = setup({ mode: 'fallback', ttlMs: 60_000, allowStale });
      const key = answers.key('openai', chatRequest(), cached, {})!;
      await answers.store('openai', cached, {}, key, completion());
      expect(await answers.fallback('openai', cached, {}, key)).toEqual({
        answer: completion(),
        stale: false,
      });
      await clock.advance(60_001);
      const late = await answers.fallback('openai', cached, {}, key);
      expect(late).toEqual(allowStale ? { answer: completion(), stale: true } : undefined);
    }
  });

  it('gives an answer back only in the dialect it was stored in, and keeps none the caller said not to store', async () => {
    const { answers, cached } = setup({ mode: 'fallback' });
    const key = answers.key('anthropic', chatRequest(), cached, {})!;
    await answers.store('anthropic', cached, {}, key, message());
    expect(await answers.fallback('openai', cached, {}, key)).toBeUndefined();
    expect(await answers.fallback('anthropic', cached, {}, key)).toMatchObject({
      answer: message(),
    });

    const other = answers.key('openai', chatRequest({ user: 'b' }), cached, {})!;
    await answers.store('openai', cached, { noStore: true }, other, completion());
    expect(await answers.fallback('openai', cached, {}, other)).toBeUndefined();
  });
});
