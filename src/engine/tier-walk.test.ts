import { afterEach, describe, expect, it } from 'vitest';
import type { ResolvedRoute, RouteConfig } from '../config/config-types.ts';
import { ManualClock } from '../core/clock.ts';
import {
  chatRequest,
  drive,
  type FakeUpstream,
  fakeUpstream,
  testConfig,
  testDeps,
  testRun,
} from './engine.fixture.ts';
import { TierWalk } from './tier-walk.ts';

let upstream: FakeUpstream;

afterEach(async () => {
  await upstream.pool.close();
});

/** Three targets over two tiers; `failoverAfterMs` is 250 ms unless the route says otherwise. */
function setup(route: Partial<RouteConfig> = {}) {
  const clock = new ManualClock(1_000_000);
  upstream = fakeUpstream(clock);
  const config = testConfig({
    chat: {
      tiers: [['openai/gpt-4o', 'openai/gpt-4o-mini'], ['anthropic/claude-sonnet-4-5']],
      ...route,
    },
  });
  const { deps } = testDeps(upstream, clock);
  const chat = config.routes.get('chat') as ResolvedRoute;
  const run = testRun(chat, chatRequest(), clock, { deadlineMs: 10_000 });
  const open = (index: number) => {
    const target = chat.tiers.flat()[index]!;
    deps.targets
      .get(target, chat.policy)
      .breaker.adopt({ state: 'open', openUntil: clock.now() + 60_000, openMs: 60_000 });
  };
  return { deps, clock, chat, run, walk: new TierWalk(deps, run), open };
}

describe('TierWalk', () => {
  it('goes tier by tier, each tier in order, and marks only the final target last', async () => {
    const { walk } = setup();
    const steps = [await walk.next(), await walk.next(), await walk.next(), await walk.next()];
    expect(steps.map((s) => s && [s.target.id, s.tier, s.last])).toEqual([
      ['openai/gpt-4o', 0, false],
      ['openai/gpt-4o-mini', 0, false],
      ['anthropic/claude-sonnet-4-5', 1, true],
      undefined,
    ]);
  });

  it('hands the targets in order at once, not as promises, each step made once per route', () => {
    const { deps, run, walk } = setup();
    const first = walk.next();
    expect(first).not.toBeInstanceOf(Promise);
    expect(new TierWalk(deps, run).next()).toBe(first);
  });

  it('does not mark a target last while the context fallback is still to come', async () => {
    const { walk } = setup({ contextFallback: 'openai/gpt-4.1' });
    await walk.next();
    await walk.next();
    expect((await walk.next())?.last).toBe(false);
  });

  it('fails over only past failoverAfterMs, and only to a healthy target ahead', async () => {
    const { walk, open } = setup();
    await walk.next();
    expect(walk.failover(250)).toBe(false);
    expect(walk.failover(251)).toBe(true);
    // Every target ahead has its breaker open: waiting for this one is better.
    open(1);
    open(2);
    expect(walk.failover(5_000)).toBe(false);
  });

  it('comes back to a target left for failover once the others are used, after what is left of its wait', async () => {
    const { walk, clock } = setup();
    const first = (await walk.next())!;
    walk.leave(first, 2, 3_000);
    await walk.next();
    await clock.advance(1_000);
    await walk.next();
    const started = clock.now();
    const back = await drive(clock, Promise.resolve(walk.next()));
    expect(back).toMatchObject({ target: first.target, tier: 0, resumeAfter: 2, last: true });
    // Left at t0 due at t0 + 3 s; 1 s had passed: 2 s more were slept, on the clock.
    expect(clock.now() - started).toBeGreaterThanOrEqual(2_000);
    expect(clock.now() - started).toBeLessThan(2_100);
    expect(await walk.next()).toBeUndefined();
  });

  it('resumes the target due earliest first, whatever order they were left in', async () => {
    const { walk, clock } = setup();
    const a = (await walk.next())!;
    walk.leave(a, 1, 5_000);
    const b = (await walk.next())!;
    walk.leave(b, 1, 1_000);
    await walk.next();
    expect((await drive(clock, Promise.resolve(walk.next())))?.target).toBe(b.target);
    expect((await drive(clock, Promise.resolve(walk.next())))?.target).toBe(a.target);
  });

  it('gives up on a target due after the deadline, without sleeping', async () => {
    const { walk, clock } = setup();
    const first = (await walk.next())!;
    walk.leave(first, 1, 20_000);
    await walk.next();
    await walk.next();
    const before = clock.now();
    expect(await walk.next()).toBeUndefined();
    expect(clock.now()).toBe(before);
    expect(clock.pending).toBe(0);
  });

  it('stops when the caller cancels while it waits', async () => {
    const clock = new ManualClock(1_000_000);
    upstream = fakeUpstream(clock);
    const config = testConfig({ chat: { tiers: ['openai/gpt-4o'] } });
    const { deps } = testDeps(upstream, clock);
    const chat = config.routes.get('chat') as ResolvedRoute;
    const caller = new AbortController();
    const run = testRun(chat, chatRequest(), clock, { signal: caller.signal });
    const walk = new TierWalk(deps, run);
    walk.leave((await walk.next())!, 1, 2_000);
    const waiting = walk.next();
    caller.abort(new Error('gone'));
    expect(await waiting).toBeUndefined();
  });

  it('hedges to the next healthy target, to the same one on a one-target route, else nowhere', async () => {
    const { walk, open } = setup();
    // The walk's place is the step it gave last.
    await walk.next();
    expect(walk.hedgeTo()?.target.id).toBe('openai/gpt-4o-mini');
    open(1);
    expect(walk.hedgeTo()?.target.id).toBe('anthropic/claude-sonnet-4-5');
    open(2);
    expect(walk.hedgeTo()).toBeUndefined();

    const single = setup({ tiers: ['openai/gpt-4o'] });
    const only = (await single.walk.next())!;
    const hedge = single.walk.hedgeTo();
    expect(hedge?.target).toBe(only.target);
    expect(hedge?.plan()).toMatchObject({ final: false, tier: 0 });
  });
});
