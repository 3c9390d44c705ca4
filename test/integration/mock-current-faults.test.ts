/**
 * The simulator's late-2026 fault kinds (provider-wire.md §9) on the wire, in both dialects, and
 * what breakwater's classifier makes of each answer: the simulator must send what the providers
 * send, and the classifier must read it the way docs/errors.md says.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifyResponse, classifyStreamError } from '../../src/dialects/classify.ts';
import { type BareFault, type MockServer, startMock } from '../../src/mock/index.ts';

let mock: MockServer;

beforeAll(async () => {
  const only = (fault: BareFault) => ({
    faults: [{ ...fault, probability: 1 }],
  });
  mock = await startMock({
    seed: 7,
    models: {
      'm-slow-down': only({ kind: 'slow_down', retryAfterS: 3 }),
      'm-billing': only({ kind: 'billing', code: 'organization_spend_limit_exceeded' }),
      'm-overloaded': only({ kind: 'server_overloaded' }),
      'm-cdn': only({ kind: 'cdn_error', status: 523 }),
      'm-event': only({ kind: 'overloaded_event' }),
    },
  });
});
afterAll(async () => {
  await mock.close();
});

type Dialect = 'openai' | 'anthropic';

function call(dialect: Dialect, model: string, stream = false) {
  const body =
    dialect === 'openai'
      ? { model, stream, messages: [{ role: 'user', content: 'hi' }] }
      : { model, stream, max_tokens: 50, messages: [{ role: 'user', content: 'hi' }] };
  return fetch(`${mock.url}${dialect === 'openai' ? '/v1/chat/completions' : '/v1/messages'}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer k', 'x-api-key': 'k' },
    body: JSON.stringify(body),
  });
}

async function classified(dialect: Dialect, model: string) {
  const res = await call(dialect, model);
  const text = await res.text();
  const headers = Object.fromEntries(res.headers);
  const error = classifyResponse({ dialect, status: res.status, headers, body: text });
  return { res, text, error };
}

describe.each(['openai', 'anthropic'] as const)('late-2026 faults, %s dialect', (dialect) => {
  it('slow_down: a 429 rate limit with its Retry-After; OpenAI marks it slow_down', async () => {
    const { res, error } = await classified(dialect, 'm-slow-down');
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('3');
    expect([error.code, error.retryable, error.retryAfterMs]).toEqual(['rate_limited', true, 3000]);
    expect(error.providerCode).toBe(dialect === 'openai' ? 'slow_down' : undefined);
  });

  it('billing: quota_exhausted, never retried', async () => {
    const { res, error } = await classified(dialect, 'm-billing');
    expect(res.status).toBe(dialect === 'openai' ? 429 : 400);
    expect([error.code, error.retryable, error.fallbackable]).toEqual([
      'quota_exhausted',
      false,
      true,
    ]);
    if (dialect === 'openai') expect(error.providerCode).toBe('organization_spend_limit_exceeded');
  });

  it('server_overloaded: transient, counted against the target', async () => {
    const { res, error } = await classified(dialect, 'm-overloaded');
    expect(res.status).toBe(dialect === 'openai' ? 503 : 529);
    expect(error.code).toBe(dialect === 'openai' ? 'unavailable' : 'overloaded');
    expect([error.retryable, error.healthSignal]).toEqual([true, true]);
    if (dialect === 'openai') expect(error.providerCode).toBe('server_is_overloaded');
  });

  it('cdn_error: an HTML page with a 52x, read as a transient 502 that never shows the page', async () => {
    const { res, text, error } = await classified(dialect, 'm-cdn');
    expect(res.status).toBe(523);
    expect(res.headers.get('content-type')).toBe('text/html');
    expect(text).toContain('<html>');
    expect([error.code, error.status, error.retryable]).toEqual(['bad_gateway', 502, true]);
    expect(error.message).not.toContain('<');
    expect(error.message).not.toContain('Origin is unreachable');
  });

  it('overloaded_event: a 200 stream whose overload error comes before any content', async () => {
    const res = await call(dialect, 'm-event', true);
    expect(res.status).toBe(200);
    const frames = (await res.text()).split('\n\n').filter(Boolean);
    expect(frames).toHaveLength(2);
    const first = JSON.parse(frames[0]!.split('data: ')[1]!);
    if (dialect === 'anthropic') expect(first.type).toBe('message_start');
    else expect(first.choices[0].delta).toMatchObject({ role: 'assistant', content: '' });
    expect(frames[1]).not.toContain('content_block_delta');
    if (dialect === 'anthropic') expect(frames[1]).toMatch(/^event: error\n/);
    const data = JSON.parse(frames[1]!.split('data: ')[1]!);
    const error = classifyStreamError({ dialect, data });
    expect(error.code).toBe(dialect === 'openai' ? 'unavailable' : 'overloaded');
    expect(error.retryable).toBe(true);
    // Without a stream, the same fault is the dialect's overload status.
    const whole = await call(dialect, 'm-event');
    expect(whole.status).toBe(dialect === 'openai' ? 503 : 529);
    await whole.text();
  });
});

describe('the simulator counts the new faults', () => {
  it('under their own names in /__stats', () => {
    const models = mock.stats().models;
    expect(models['m-cdn']).toMatchObject({ requests: 2, cdn_error: 2 });
    expect(models['m-event']).toMatchObject({ requests: 4, overloaded_event: 4 });
  });
});
