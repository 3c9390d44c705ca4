/**
 * The limiter as the engine sees it (acquire → lease → settle), on a manual clock: reservation
 * and reconciliation, priority order, deadline fail-fast, queue_full, header adoption, AIMD,
 * per-key scopes, calibration and state round trips. Leak paths are in limiter-leaks.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../core/clock.ts';
import { Deadline } from '../core/deadline.ts';
import { emptyUsage, type Usage } from '../dialects/usage.ts';
import { ProviderError } from '../errors/index.ts';
import { admission, HI, MemoryLimitStateStore, rejection } from './limiter.fixture.ts';
import { createLimiter } from './limiter.ts';

const usage = (u: Partial<Usage>): Usage => ({ ...emptyUsage(), ...u });
/** `hi` as one user message: 3 framing + 1 role + 1 content + 3 priming. */
const HI_TOKENS = 8;

describe('reservation and reconciliation', () => {
  it('OpenAI: reserves prompt + max_tokens; corrects the prompt after, keeps max_tokens', async () => {
    const clock = new ManualClock(0);
    const limiter = createLimiter({
      clock,
      calibration: false,
      targets: { 'openai/gpt-4o': { tpm: 10_000 } },
    });
    const lease = await limiter.acquire(admission(clock, { body: { ...HI, max_tokens: 100 } }));
    expect(limiter.stats().lanes[0]!.levels.tokens).toBe(10_000 - HI_TOKENS - 100);
    lease.settle({ usage: usage({ inputTokens: 10, outputTokens: 20 }) });
    expect(limiter.stats().lanes[0]!.levels.tokens).toBe(10_000 - 10 - 100);
  });

  it('Anthropic: reserves max_tokens against OTPM and refunds what was not generated', async () => {
    const clock = new ManualClock(0);
    const limiter = createLimiter({
      clock,
      calibration: false,
      targets: { 'anthropic/*': { itpm: 10_000, otpm: 1_000 } },
    });
    const lease = await limiter.acquire(
      admission(clock, { target: 'anthropic/claude-sonnet-4-5', body: { ...HI, max_tokens: 100 } }),
    );
    expect(limiter.stats().lanes[0]!.levels.output).toBe(900);
    lease.settle({ usage: usage({ inputTokens: 12, outputTokens: 20 }) });
    expect(limiter.stats().lanes[0]!.levels).toEqual({ input: 10_000 - 12, output: 980 });
  });

  it('learns the prompt ratio from usage and reserves by it next time', async () => {
    const clock = new ManualClock(0);
    const limiter = createLimiter({ clock, targets: { 'openai/gpt-4o': { tpm: 10_000 } } });
    const first = await limiter.acquire(admission(clock, { body: { ...HI, max_tokens: 10 } }));
    first.settle({ usage: usage({ inputTokens: 2 * HI_TOKENS, outputTokens: 1 }) });
    const before = limiter.stats().lanes[0]!.levels.tokens!;
    await limiter.acquire(admission(clock, { body: { ...HI, max_tokens: 10 } }));
    expect(before - limiter.stats().lanes[0]!.levels.tokens!).toBe(2 * HI_TOKENS + 10);
  });
});

describe('queueing', () => {
  it('admits waiters by priority, first in first out within one', async () => {
    const clock = new ManualClock(0);
    const limiter = createLimiter({
      clock,
      queue: { maxWaitMs: 600_000 },
      targets: { 'openai/gpt-4o': { rpm: 1 } },
    });
    await limiter.acquire(admission(clock));
    const order: string[] = [];
    const deadlines: Deadline[] = [];
    const wait = (name: string, priority: 'high' | 'normal' | 'low') => {
      const deadline = Deadline.after(600_000, clock);
      deadlines.push(deadline);
      return limiter.acquire(admission(clock, { priority, deadline })).then(() => order.push(name));
    };
    const all = [
      wait('low', 'low'),
      wait('n1', 'normal'),
      wait('high', 'high'),
      wait('n2', 'normal'),
    ];
    expect(limiter.stats().lanes[0]!.waiting).toEqual({ high: 1, normal: 2, low: 1 });
    for (let i = 0; i < 4; i++) await clock.advance(60_000);
    await Promise.all(all);
    for (const d of deadlines) d.dispose();
    expect(order).toEqual(['high', 'n1', 'n2', 'low']);
    expect(clock.pending).toBe(0);
  });

  it('fails fast with rate_limited and the wait as Retry-After when the deadline is too short', async () => {
    const clock = new ManualClock(0);
    const limiter = createLimiter({ clock, targets: { 'openai/gpt-4o': { rpm: 1 } } });
    await limiter.acquire(admission(clock));
    const error = await rejection(limiter.acquire(admission(clock, { deadlineMs: 30_000 })));
    expect(error.code).toBe('rate_limited');
    expect(error.origin).toBe('breakwater');
    expect(error.retryAfterMs).toBe(60_000);
    expect(error.message).toBe(
      'rate limit of openai/gpt-4o: the wait would be 60.0 s; the deadline allows 29.0 s of waiting',
    );
    expect(limiter.stats().lanes[0]!.counts.rateLimited).toBe(1);
    expect(clock.pending).toBe(0);
  });

  it('counts everyone ahead in the expected wait', async () => {
    const clock = new ManualClock(0);
    const limiter = createLimiter({ clock, targets: { 'openai/gpt-4o': { rpm: 60 } } });
    for (let i = 0; i < 60; i++) await limiter.acquire(admission(clock));
    const queued = Array.from({ length: 5 }, () =>
      limiter.acquire(admission(clock, { deadlineMs: 10_000 })),
    );
    const error = await rejection(limiter.acquire(admission(clock, { deadlineMs: 5_500 })));
    expect(error.retryAfterMs).toBe(6_000);
    await clock.advance(5_000);
    await Promise.all(queued);
  });

  it('answers queue_full with a Retry-After once maxDepth are waiting', async () => {
    const clock = new ManualClock(0);
    const limiter = createLimiter({
      clock,
      queue: { maxDepth: 2 },
      targets: { 'openai/gpt-4o': { rpm: 60 } },
    });
    for (let i = 0; i < 60; i++) await limiter.acquire(admission(clock));
    const queued = [1, 2].map(() => limiter.acquire(admission(clock)));
    const error = await rejection(limiter.acquire(admission(clock)));
    expect(error.code).toBe('queue_full');
    expect(error.message).toBe('queue full: 2/2 waiting for openai/gpt-4o');
    expect(error.retryAfterMs).toBe(2_000);
    await clock.advance(2_000);
    await Promise.all(queued);
  });

  it('rejects a request larger than the limit at once', async () => {
    const clock = new ManualClock(0);
    const limiter = createLimiter({ clock, targets: { 'openai/gpt-4o': { tpm: 1000 } } });
    const error = await rejection(
      limiter.acquire(admission(clock, { body: { ...HI, max_tokens: 5000 } })),
    );
    expect(error.code).toBe('rate_limited');
    expect(error.message).toMatch(
      /too large for openai\/gpt-4o: it needs 5008 tokens and the limit is 1000/,
    );
  });
});

describe("the provider's view", () => {
  it('adopts remaining from headers: a limit shared with another app is respected', async () => {
    const clock = new ManualClock(0);
    const limiter = createLimiter({
      clock,
      calibration: false,
      targets: { 'openai/gpt-4o': { tpm: 60_000 } },
    });
    const lease = await limiter.acquire(admission(clock, { body: { ...HI, max_tokens: 92 } }));
    lease.settle({
      usage: usage({ inputTokens: HI_TOKENS, outputTokens: 5 }),
      headers: { 'x-ratelimit-limit-tokens': '60000', 'x-ratelimit-remaining-tokens': '1000' },
    });
    expect(limiter.stats().lanes[0]!.levels.tokens).toBe(1000);
    const error = await rejection(
      limiter.acquire(admission(clock, { body: { ...HI, max_tokens: 4000 }, deadlineMs: 2_000 })),
    );
    expect(error.retryAfterMs).toBe(3_008);
  });

  it('learns limits from headers where no rule sets them', async () => {
    const clock = new ManualClock(0);
    const limiter = createLimiter({ clock });
    const lease = await limiter.acquire(admission(clock, { keyId: 'k1' }));
    expect(limiter.stats().lanes[0]!.limits).toEqual({});
    lease.settle({
      usage: usage({ inputTokens: 8, outputTokens: 1 }),
      headers: { 'x-ratelimit-limit-requests': '2', 'x-ratelimit-remaining-requests': '0' },
    });
    expect(limiter.stats().lanes[0]).toMatchObject({
      scope: 'openai/gpt-4o#k1',
      limits: { requests: 2 },
    });
    const error = await rejection(
      limiter.acquire(admission(clock, { keyId: 'k1', deadlineMs: 1000 })),
    );
    expect(error.retryAfterMs).toBe(30_000);
  });

  it('shrinks the rate on a run of 429s (once per cooldown) and grows it back on clean answers', async () => {
    const clock = new ManualClock(0);
    const limiter = createLimiter({
      clock,
      adaptive: { decrease: 0.5, increase: 0.25 },
      targets: { 'openai/gpt-4o': { rpm: 600 } },
    });
    const tooMany = new ProviderError('rate_limited', '429', { retryAfterMs: 2000 });
    const leases = await Promise.all([1, 2, 3].map(() => limiter.acquire(admission(clock))));
    for (const lease of leases) lease.settle({ error: tooMany });
    let lane = limiter.stats().lanes[0]!;
    expect(lane.factor).toBe(0.5);
    expect(lane.blockedUntil).toBe(2000);
    expect(lane.counts.upstream429).toBe(3);
    await clock.advance(2000);
    for (let i = 0; i < 2; i++) {
      (await limiter.acquire(admission(clock))).settle({ usage: usage({ inputTokens: 8 }) });
    }
    lane = limiter.stats().lanes[0]!;
    expect(lane.factor).toBe(1);
  });

  it('does not hold the whole lane for a stray 429 among clean answers', async () => {
    const clock = new ManualClock(0);
    const limiter = createLimiter({ clock, targets: { 'openai/gpt-4o': { rpm: 6000 } } });
    for (let i = 0; i < 19; i++) {
      (await limiter.acquire(admission(clock))).settle({ usage: usage({ inputTokens: 8 }) });
    }
    const stray = new ProviderError('rate_limited', '429', { retryAfterMs: 1000 });
    (await limiter.acquire(admission(clock))).settle({ error: stray });
    let lane = limiter.stats().lanes[0]!;
    expect(lane.counts.upstream429).toBe(1);
    expect(lane.blockedUntil ?? 0).toBeLessThanOrEqual(clock.now());
    // A run of them (a fifth of the recent answers and more) is a limit reached: hold the lane.
    const leases = await Promise.all([1, 2, 3, 4, 5].map(() => limiter.acquire(admission(clock))));
    for (const lease of leases) lease.settle({ error: stray });
    lane = limiter.stats().lanes[0]!;
    expect(lane.blockedUntil).toBe(clock.now() + 1000);
  });

  it.each([
    ['429 slow_down (today)', 'rate_limited'],
    ['503 Slow Down (formerly)', 'unavailable'],
  ] as const)('backs off on OpenAI %s and holds the rate', async (_name, code) => {
    const clock = new ManualClock(0);
    const limiter = createLimiter({ clock, targets: { 'openai/gpt-4o': { rpm: 600 } } });
    const slowDown = new ProviderError(code, 'Slow Down', { providerCode: 'slow_down' });
    (await limiter.acquire(admission(clock))).settle({ error: slowDown });
    expect(limiter.stats().lanes[0]!.factor).toBe(0.7);
    await clock.advance(60_000);
    (await limiter.acquire(admission(clock))).settle({ usage: usage({ inputTokens: 8 }) });
    expect(limiter.stats().lanes[0]!.factor).toBe(0.7);
    expect(limiter.stats().lanes[0]!.counts.slowDowns).toBe(1);
    expect(limiter.stats().lanes[0]!.counts.upstream429).toBe(0);
  });
});

describe('scopes and state', () => {
  it('keeps buckets per upstream key by default, one per target with per: target', async () => {
    const clock = new ManualClock(0);
    const limiter = createLimiter({
      clock,
      targets: { 'openai/gpt-4o': { rpm: 1 }, 'openai/gpt-4o-mini': { rpm: 1, per: 'target' } },
    });
    await limiter.acquire(admission(clock, { keyId: 'a' }));
    await limiter.acquire(admission(clock, { keyId: 'b' }));
    await limiter.acquire(admission(clock, { target: 'openai/gpt-4o-mini', keyId: 'a' }));
    const error = await rejection(
      limiter.acquire(
        admission(clock, { target: 'openai/gpt-4o-mini', keyId: 'b', deadlineMs: 1000 }),
      ),
    );
    expect(error.code).toBe('rate_limited');
    expect(limiter.stats().lanes.map((l) => l.scope)).toEqual([
      'openai/gpt-4o#a',
      'openai/gpt-4o#b',
      'openai/gpt-4o-mini',
    ]);
  });

  it('shares one pool across a family with shared: true', async () => {
    const clock = new ManualClock(0);
    const limiter = createLimiter({
      clock,
      targets: { 'anthropic/claude-opus-4*': { rpm: 1, shared: true, per: 'target' } },
    });
    await limiter.acquire(
      admission(clock, { target: 'anthropic/claude-opus-4-1', body: { ...HI, max_tokens: 5 } }),
    );
    const error = await rejection(
      limiter.acquire(
        admission(clock, {
          target: 'anthropic/claude-opus-4-6',
          body: { ...HI, max_tokens: 5 },
          deadlineMs: 1,
        }),
      ),
    );
    expect(error.code).toBe('rate_limited');
    expect(limiter.stats().lanes).toHaveLength(1);
  });

  it('serialises its state and starts from it', async () => {
    const clock = new ManualClock(0);
    const limiter = createLimiter({ clock, targets: { 'openai/gpt-4o': { tpm: 10_000 } } });
    const lease = await limiter.acquire(admission(clock, { body: { ...HI, max_tokens: 992 } }));
    lease.settle({ usage: usage({ inputTokens: 16, outputTokens: 1 }) });
    const state = JSON.parse(JSON.stringify(limiter.toJSON()));
    const copy = createLimiter({
      clock,
      initialState: state,
      targets: { 'openai/gpt-4o': { tpm: 10_000 } },
    });
    await copy.acquire(admission(clock, { body: { ...HI, max_tokens: 1 } }));
    expect(copy.stats().lanes[0]!.levels.tokens).toBe(10_000 - 1008 - 17);
    expect(state.calibration).toEqual({ 'openai/gpt-4o': 2 });
  });

  it('loads a scope from a state store when it first meets it, and saves on demand', async () => {
    const clock = new ManualClock(0);
    const store = new MemoryLimitStateStore();
    const targets = { 'openai/gpt-4o': { rpm: 10 } };
    const first = createLimiter({ clock, store, targets });
    for (let i = 0; i < 10; i++) await first.acquire(admission(clock));
    first.save();
    expect(store.size).toBe(1);
    const second = createLimiter({ clock, store, targets });
    const error = await rejection(second.acquire(admission(clock, { deadlineMs: 2_000 })));
    expect(error.retryAfterMs).toBe(6_000);
  });
});

describe('prompt counting', () => {
  it('counts prompts only once a lane limits tokens; calibration learns only from counted ones', async () => {
    const clock = new ManualClock(0);
    const limiter = createLimiter({ clock, targets: { 'openai/gpt-4o': { rpm: 100 } } });
    const first = await limiter.acquire(admission(clock, { body: { ...HI, max_tokens: 10 } }));
    expect(limiter.stats().lanes[0]!.levels.tokens).toBeUndefined();
    // Not counted, so this usage says nothing about the estimate's ratio.
    first.settle({
      usage: usage({ inputTokens: 5 * HI_TOKENS, outputTokens: 1 }),
      headers: { 'x-ratelimit-limit-tokens': '10000', 'x-ratelimit-remaining-tokens': '10000' },
    });
    expect(limiter.toJSON().calibration).toEqual({});
    const before = limiter.stats().lanes[0]!.levels.tokens!;
    await limiter.acquire(admission(clock, { body: { ...HI, max_tokens: 10 } }));
    expect(before - limiter.stats().lanes[0]!.levels.tokens!).toBe(HI_TOKENS + 10);
  });
});
