import { afterEach, describe, expect, it } from 'vitest';
import type { ResolvedRoute, ResolvedTarget } from '../config/config-types.ts';
import { ManualClock } from '../core/clock.ts';
import { completion } from '../dialects/answers.fixture.ts';
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
import { panic } from './panic.ts';

let upstream: FakeUpstream;

afterEach(async () => {
  await upstream.pool.close();
});

const unavailable = UNAVAILABLE_BODY;
const anthropicDown = { type: 'error', error: { type: 'overloaded_error', message: 'busy' } };
const badRequest = BAD_REQUEST_BODY;

/** Two tiers whose breakers are both open: openai's until +30 s, anthropic's until +10 s. */
function setup() {
  const clock = new ManualClock(1_000_000);
  upstream = fakeUpstream(clock);
  const config = testConfig({
    chat: {
      tiers: ['openai/gpt-4o', 'anthropic/claude-sonnet-4-5'],
      policy: { retry: { maxAttempts: 1 } },
    },
  });
  const { deps } = testDeps(upstream, clock);
  const chat = config.routes.get('chat') as ResolvedRoute;
  const [openai, anthropic] = [chat.tiers[0]![0]!, chat.tiers[1]![0]!];
  const breaker = (target: ResolvedTarget) => deps.targets.get(target, chat.policy).breaker;
  breaker(openai).adopt({ state: 'open', openUntil: clock.now() + 30_000, openMs: 30_000 });
  breaker(anthropic).adopt({ state: 'open', openUntil: clock.now() + 10_000, openMs: 10_000 });
  const run = testRun(chat, chatRequest(), clock);
  const ejected = [
    { target: openai, tier: 0 },
    { target: anthropic, tier: 1 },
  ];
  return { deps, clock, run, ejected, breaker, openai, anthropic };
}

describe('panic', () => {
  it('goes past the open breakers, the one reopening soonest first, and counts nothing on them', async () => {
    const { deps, clock, run, ejected, breaker, openai, anthropic } = setup();
    upstream.reply(ANTHROPIC, 529, anthropicDown);
    upstream.reply(OPENAI, 200, completion());
    const generations = [breaker(openai).generation, breaker(anthropic).generation];

    const outcome = await drive(clock, panic(deps, run, ejected));

    expect(outcome.ok).toBe(true);
    expect(upstream.received.map((r) => r.origin)).toEqual([ANTHROPIC, OPENAI]);
    expect(run.trail.map((r) => [r.target, r.result, r.panic])).toEqual([
      ['anthropic/claude-sonnet-4-5', 'error', true],
      ['openai/gpt-4o', 'ok', true],
    ]);
    // Neither the failure nor the success moved a breaker: a probe still decides.
    expect([breaker(openai).state, breaker(anthropic).state]).toEqual(['open', 'open']);
    expect([breaker(openai).generation, breaker(anthropic).generation]).toEqual(generations);
  });

  it('ends in circuit_open with the wait until the soonest probe and the last failure', async () => {
    const { deps, clock, run, ejected } = setup();
    upstream.reply(ANTHROPIC, 529, anthropicDown);
    upstream.reply(OPENAI, 503, unavailable);

    const outcome = await drive(clock, panic(deps, run, ejected), 10);

    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.error.code).toBe('circuit_open');
    expect(outcome.error.message).toMatch(/every tier of route chat is ejected/);
    expect(outcome.error.message).toMatch(/in panic mode/);
    // Anthropic's breaker reopens first, 10 s after the start, less the time the attempts took.
    expect(outcome.error.retryAfterMs).toBeGreaterThan(0);
    expect(outcome.error.retryAfterMs).toBeLessThanOrEqual(10_000);
    expect(run.trail.every((r) => r.panic)).toBe(true);
    expect(run.trail).toHaveLength(2);
  });

  it('stops at a failure no other target can fix, without trying the next', async () => {
    const { deps, clock, run, ejected } = setup();
    upstream.reply(ANTHROPIC, 400, { type: 'error', error: badRequest.error });

    const outcome = await drive(clock, panic(deps, run, ejected));

    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.error.code).not.toBe('circuit_open');
    expect(upstream.received).toHaveLength(1);
  });
});
