/**
 * The gateway with the limiter as the engine's admission: a call over the rate limit is answered
 * 429 in the caller's dialect with the wait as Retry-After, and `/status` shows each target's
 * limit lanes beside its breaker, with the totals.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLimiter } from '../../src/limiter/index.ts';
import { type Stack, startStack } from './gateway-harness.ts';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({
    listen: false,
    routes: { chat: { tiers: ['openai/gpt-4o-mini'] } },
    gateway: {
      engineOptions: { admission: createLimiter({ targets: { 'openai/*': { rpm: 1 } } }) },
    },
  });
});

afterAll(async () => {
  await stack.close();
});

const ask = (url: string, body: Record<string, unknown>) =>
  stack.app.inject({ method: 'POST', url, payload: body });

describe('gateway and limiter', () => {
  it('answers over-limit calls 429 with Retry-After, in either dialect', async () => {
    const first = await ask('/v1/chat/completions', {
      model: 'chat',
      messages: [{ role: 'user', content: 'Hi' }],
    });
    expect(first.statusCode).toBe(200);
    const second = await ask('/v1/chat/completions', {
      model: 'chat',
      messages: [{ role: 'user', content: 'Hi' }],
    });
    expect(second.statusCode).toBe(429);
    expect(second.json().breakwater).toMatchObject({ code: 'rate_limited', origin: 'breakwater' });
    expect(Number(second.headers['retry-after'])).toBeGreaterThan(0);
    const third = await ask('/v1/messages', {
      model: 'chat',
      max_tokens: 10,
      messages: [{ role: 'user', content: 'Hi' }],
    });
    expect(third.statusCode).toBe(429);
    expect(third.json()).toMatchObject({ type: 'error', error: { type: 'rate_limit_error' } });
    expect(Number(third.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('shows the limit lanes in /status', async () => {
    const status = (await stack.app.inject({ url: '/status' })).json();
    const target = status.targets.find(
      (t: { target: string }) => t.target === 'openai/gpt-4o-mini',
    );
    expect(target.limiter[0]).toMatchObject({
      target: 'openai/gpt-4o-mini',
      limits: { requests: 1 },
    });
    expect(status.limiter).toMatchObject({ queued: 0, inFlight: 0 });
  });
});
