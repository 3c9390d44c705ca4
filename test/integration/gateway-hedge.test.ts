/**
 * A hedged attempt as a gateway client sees it: `x-breakwater-attempts` says a hedge raced the
 * answer and which attempt won, and the request's log line says the same. One manual clock drives
 * the simulator's latency and the engine's hedge timer.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../../src/core/clock.ts';
import type { Scenario } from '../../src/mock/index.ts';
import { type Stack, startStack } from './gateway-harness.ts';

const clock = new ManualClock(Date.now());
let stack: Stack;
const steady: Scenario = { seed: 3, default: { latency: { fixedMs: 100 }, outputTokens: 3 } };
const eventually = (check: () => unknown) => vi.waitFor(check, { timeout: 10_000, interval: 5 });
const requests = (model: string) => stack.mock.stats().models[model]?.requests ?? 0;
const post = (payload: unknown) =>
  stack.app.inject({ method: 'POST', url: '/v1/chat/completions', payload: payload as string });
const body = { model: 'chat', max_tokens: 16, messages: [{ role: 'user', content: 'Hi' }] };

beforeAll(async () => {
  stack = await startStack({
    listen: false,
    clock,
    scenario: steady,
    policy: { timeouts: { deadlineMs: 60_000 } },
    routes: { chat: { tiers: ['openai/gpt-a', 'openai/gpt-b'] } },
  });
});
afterAll(async () => {
  await stack.close();
});

describe('a hedge at the gateway', () => {
  it('shows in x-breakwater-attempts and in the log line', async () => {
    // 40 answers in 100 ms teach the engine gpt-a's p95; the hedge delay is then 200 ms.
    const warm = Array.from({ length: 40 }, () => post(body));
    await eventually(() => expect(requests('gpt-a')).toBe(40));
    await clock.advance(100);
    for (const res of await Promise.all(warm)) expect(res.statusCode).toBe(200);

    stack.mock.setScenario({
      ...steady,
      models: { 'gpt-a': { faults: [{ kind: 'hang', probability: 1 }] } },
    });
    const hedged = post(body);
    await eventually(() => expect(requests('gpt-a')).toBe(41));
    await clock.advance(200);
    await eventually(() => expect(requests('gpt-b')).toBe(1));
    await clock.advance(100);
    const res = await hedged;
    expect(res.statusCode).toBe(200);
    expect(res.headers['x-breakwater-attempts']).toBe('2;hedge=won');
    expect(res.headers['x-breakwater-target']).toBe('openai/gpt-b');
    const line = stack.logs
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((l) => l.msg === 'request' && l.hedge !== undefined);
    expect(line).toMatchObject({ hedge: 'won', attempts: 2, target: 'openai/gpt-b' });
  });
});
