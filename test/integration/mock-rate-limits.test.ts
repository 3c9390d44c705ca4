/**
 * The simulator's rate limits, driven by a ManualClock (no real waiting): admitted throughput
 * under 3x overload, the 429 shapes and headers of both dialects, and the headers on success.
 */

import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.ts';
import { type MockServer, type Scenario, startMock } from '../../src/mock/index.ts';

/** A response body, inspected loosely. */
// biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary fields of provider bodies
type Body = any;
const json = async (r: Response | Promise<Response>): Promise<Body> => (await r).json();

let mock: MockServer | undefined;
afterEach(() => mock?.close());

const START = Date.UTC(2026, 0, 1, 12, 0, 0);
/** The simulator's estimate for one 'hi' message: 1 token of text + 3 per message + 3 priming. */
const PROMPT = 7;

async function openai(body: object = {}) {
  const response = await fetch(`${mock!.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }], ...body }),
  });
  return { response, body: await json(response) };
}

async function anthropic(body: object = {}) {
  const response = await fetch(`${mock!.url}/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      model: 'claude-sonnet-4-5',
      max_tokens: 100,
      messages: [{ role: 'user', content: 'hi' }],
      ...body,
    }),
  });
  return { response, body: await json(response) };
}

/** Offers `perSecond` requests each simulated second for `seconds`; counts the 200s. */
async function offer(
  clock: ManualClock,
  send: () => Promise<{ response: Response }>,
  perSecond: number,
  seconds: number,
): Promise<number> {
  let ok = 0;
  for (let s = 0; s < seconds; s++) {
    const batch = await Promise.all(Array.from({ length: perSecond }, send));
    ok += batch.filter((r) => r.response.status === 200).length;
    await clock.advance(1000);
  }
  return ok;
}

function scenario(
  rateLimits: NonNullable<Scenario['default']>['rateLimits'],
  output = 10,
): Scenario {
  return { default: { rateLimits, outputTokens: output } };
}

describe('admitted rate under overload', () => {
  it('OpenAI rpm 600 offered 3x for 60 s admits the burst plus 600 (±5%)', async () => {
    const clock = new ManualClock(START);
    mock = await startMock(scenario({ rpm: 600 }), { clock });
    const ok = await offer(clock, () => openai(), 30, 60);
    expect(Math.abs(ok - 1200) / 1200).toBeLessThanOrEqual(0.05);
    expect(mock.stats().models['gpt-4o']?.status_429).toBe(1800 - ok);
  });

  it('OpenAI tpm charges prompt estimate plus max_tokens', async () => {
    const clock = new ManualClock(START);
    mock = await startMock(scenario({ tpm: 60_000 }), { clock });
    // Each request costs 1000 + a few prompt tokens: about 60 fit per minute, plus the burst.
    const ok = await offer(clock, () => openai({ max_tokens: 1000 }), 3, 60);
    const perRequest = 1000 + PROMPT;
    const expected = 60_000 / perRequest + 60_000 / perRequest;
    expect(Math.abs(ok - expected) / expected).toBeLessThanOrEqual(0.05);
  });

  it('Anthropic otpm counts output generated, not max_tokens', async () => {
    const clock = new ManualClock(START);
    mock = await startMock(scenario({ otpm: 6000 }, 100), { clock });
    // 100 output tokens per answer: 60 per minute plus the burst, whatever max_tokens says.
    const ok = await offer(clock, () => anthropic({ max_tokens: 4096 }), 3, 60);
    expect(Math.abs(ok - 120) / 120).toBeLessThanOrEqual(0.05);
  });
});

describe('429 shapes and headers', () => {
  it('OpenAI: rate_limit_exceeded with the TPM wording and x-ratelimit headers', async () => {
    const clock = new ManualClock(START);
    mock = await startMock(scenario({ rpm: 100, tpm: 2000 }), { clock });
    const first = await openai({ max_tokens: 1500 });
    expect(first.response.status).toBe(200);
    const h = first.response.headers;
    expect(h.get('x-ratelimit-limit-requests')).toBe('100');
    expect(h.get('x-ratelimit-remaining-requests')).toBe('99');
    expect(h.get('x-ratelimit-reset-requests')).toBe('600ms');
    expect(h.get('x-ratelimit-limit-tokens')).toBe('2000');
    expect(h.get('x-ratelimit-remaining-tokens')).toBe('493');
    expect(h.get('x-ratelimit-reset-tokens')).toBe('45.21s'); // 1507 tokens at 2000/min

    const { response, body } = await openai({ max_tokens: 1500 });
    expect(response.status).toBe(429);
    expect(body.error.type).toBe('tokens');
    expect(body.error.code).toBe('rate_limit_exceeded');
    expect(body.error.message).toMatch(
      /^Rate limit reached for gpt-4o in organization org-mock on tokens per min \(TPM\): Limit 2000, Used 1507, Requested 1507\. Please try again in 30\.42s\./,
    );
    expect(response.headers.get('retry-after')).toBeNull();
    expect(response.headers.get('x-ratelimit-remaining-tokens')).toBe('493');
    expect(response.headers.get('x-request-id')).toMatch(/^req_/);
  });

  it('OpenAI: a request bigger than the limit is "too large", with no wait', async () => {
    mock = await startMock(scenario({ tpm: 1000 }), { clock: new ManualClock(START) });
    const { response, body } = await openai({ max_tokens: 5000 });
    expect(response.status).toBe(429);
    expect(body.error.message).toMatch(
      /^Request too large for gpt-4o .* Limit 1000, Requested 5007\./,
    );
  });

  it('OpenAI: requests limit says requests, and retry-after when asked for', async () => {
    const clock = new ManualClock(START);
    mock = await startMock(scenario({ rpm: 1, openaiRetryAfter: true }), { clock });
    expect((await openai()).response.status).toBe(200);
    const { response, body } = await openai();
    expect(body.error.type).toBe('requests');
    expect(body.error.message).toContain(
      'on requests per min (RPM): Limit 1, Used 1, Requested 1.',
    );
    expect(response.headers.get('retry-after')).toBe('60');
    expect(response.headers.get('retry-after-ms')).toBe('60000');
  });

  it('Anthropic: rate_limit_error with retry-after and anthropic-ratelimit headers', async () => {
    const clock = new ManualClock(START);
    mock = await startMock(scenario({ rpm: 2, itpm: 40_000, otpm: 8000 }), { clock });
    const first = await anthropic();
    expect(first.response.status).toBe(200);
    const h = first.response.headers;
    expect(h.get('anthropic-ratelimit-requests-limit')).toBe('2');
    expect(h.get('anthropic-ratelimit-requests-remaining')).toBe('1');
    expect(h.get('anthropic-ratelimit-requests-reset')).toBe('2026-01-01T12:00:30Z');
    expect(h.get('anthropic-ratelimit-input-tokens-limit')).toBe('40000');
    expect(h.get('anthropic-ratelimit-input-tokens-remaining')).toBe('40000'); // rounded
    expect(h.get('anthropic-ratelimit-output-tokens-limit')).toBe('8000');
    expect(h.get('anthropic-ratelimit-tokens-limit')).toBe('48000');
    expect(h.get('anthropic-ratelimit-tokens-reset')).toMatch(/^2026-01-01T12:00:0\dZ$/);

    expect((await anthropic()).response.status).toBe(200);
    const { response, body } = await anthropic();
    expect(response.status).toBe(429);
    expect(body.type).toBe('error');
    expect(body.error.type).toBe('rate_limit_error');
    expect(body.error.message).toContain('of 2 requests per minute');
    expect(body.request_id).toBe(response.headers.get('request-id'));
    expect(response.headers.get('retry-after')).toBe('30');
    expect(response.headers.get('anthropic-ratelimit-requests-remaining')).toBe('0');
  });

  it('buckets refill with the clock and /__reset refills them at once', async () => {
    const clock = new ManualClock(START);
    mock = await startMock(scenario({ rpm: 1 }), { clock });
    expect((await openai()).response.status).toBe(200);
    expect((await openai()).response.status).toBe(429);
    await clock.advance(60_000);
    expect((await openai()).response.status).toBe(200);
    await fetch(`${mock.url}/__reset`, { method: 'POST' });
    expect((await openai()).response.status).toBe(200);
  });
});
