/**
 * `Idempotency-Key` and coalescing at both faces: the gateway in both dialects (replay marked
 * `x-breakwater-cache: idempotent-replay`, a conflict answered 409 in the caller's dialect, a bad
 * key refused naming the header, the log line saying how many calls were coalesced), and
 * `client.fetch` under the official SDKs, which raise their own 409 class.
 */
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '../../src/client/create-client.ts';
import { type Stack, startStack } from './gateway-harness.ts';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({
    listen: false,
    scenario: { seed: 2, default: { outputTokens: 6, latency: { fixedMs: 40 } } },
    routes: {
      chat: { tiers: ['openai/gpt-4o-mini'] },
      claude: { tiers: ['anthropic/claude-haiku-4-5'] },
      faq: { tiers: ['openai/gpt-4o-mini'], coalesce: true },
    },
  });
});
afterAll(async () => {
  await stack.close();
});

const post = (url: string, payload: unknown, headers: Record<string, string> = {}) =>
  stack.app.inject({ method: 'POST', url, payload: payload as string, headers });
const upstream = () => stack.mock.stats().total.requests;

describe('gateway', () => {
  it('replays an OpenAI answer under the same key, marked idempotent-replay', async () => {
    const before = upstream();
    const body = { model: 'chat', messages: [{ role: 'user', content: 'Once' }] };
    const first = await post('/v1/chat/completions', body, { 'idempotency-key': 'gw-1' });
    expect(first.statusCode).toBe(200);
    expect(first.headers['x-breakwater-cache']).toBe('off');
    const again = await post('/v1/chat/completions', body, { 'idempotency-key': 'gw-1' });
    expect(again.statusCode).toBe(200);
    expect(again.headers['x-breakwater-cache']).toBe('idempotent-replay');
    expect(again.headers['x-breakwater-attempts']).toBe('0');
    expect(again.json()).toEqual(first.json());
    expect(upstream() - before).toBe(1);
  });

  it('replays an Anthropic stream as a stream', async () => {
    const before = upstream();
    const body = {
      model: 'claude',
      max_tokens: 32,
      stream: true,
      messages: [{ role: 'user', content: 'Stream once' }],
    };
    const first = await post('/v1/messages', body, { 'idempotency-key': 'gw-stream' });
    expect(first.body).toContain('event: message_stop');
    const again = await post('/v1/messages', body, { 'idempotency-key': 'gw-stream' });
    expect(again.headers['content-type']).toContain('text/event-stream');
    expect(again.headers['x-breakwater-cache']).toBe('idempotent-replay');
    expect(again.body).toContain('event: message_stop');
    expect(upstream() - before).toBe(1);
  });

  it('answers a reused key with another body 409, in each caller’s dialect', async () => {
    const openai = { model: 'chat', messages: [{ role: 'user', content: 'A' }] };
    await post('/v1/chat/completions', openai, { 'idempotency-key': 'gw-409' });
    const changed = { ...openai, messages: [{ role: 'user', content: 'B' }] };
    const res = await post('/v1/chat/completions', changed, { 'idempotency-key': 'gw-409' });
    expect(res.statusCode).toBe(409);
    expect(res.headers['x-should-retry']).toBe('false');
    const error = res.json().error;
    expect(error.code).toBe('idempotency_conflict');
    expect(error.param).toBe('Idempotency-Key');
    expect(error.message).toContain('different request');

    // The same key from an Anthropic caller is another request too.
    const anthropic = { model: 'chat', max_tokens: 32, messages: [{ role: 'user', content: 'A' }] };
    const other = await post('/v1/messages', anthropic, { 'idempotency-key': 'gw-409' });
    expect(other.statusCode).toBe(409);
    expect(other.json()).toMatchObject({
      type: 'error',
      error: { type: 'invalid_request_error' },
      breakwater: { code: 'idempotency_conflict' },
    });
  });

  it('refuses a key that is not one, naming the header', async () => {
    const body = { model: 'chat', messages: [{ role: 'user', content: 'A' }] };
    const res = await post('/v1/chat/completions', body, { 'idempotency-key': 'has space' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'validation', param: 'Idempotency-Key' });
  });

  it('logs how many identical calls shared one upstream call', async () => {
    const before = upstream();
    const body = { model: 'faq', messages: [{ role: 'user', content: 'Opening hours?' }] };
    const answers = await Promise.all(
      Array.from({ length: 4 }, () => post('/v1/chat/completions', body)),
    );
    for (const res of answers) expect(res.statusCode).toBe(200);
    expect(upstream() - before).toBe(1);
    const lines = stack.logs
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((l) => l.route === 'faq');
    expect(lines.filter((l) => l.msg === 'request' && l.coalesced === 4)).toHaveLength(4);
    expect(lines.some((l) => l.event === 'coalesced' && l.callers === 4)).toBe(true);
    const status = (await stack.app.inject({ url: '/status' })).json();
    expect(status.engine.coalesced).toBe(3);
  });
});

describe('client.fetch under the official SDKs', () => {
  it('replays under the OpenAI SDK and raises ConflictError under the Anthropic SDK', async () => {
    const client = createClient({
      providers: {
        openai: { baseUrl: stack.mock.url, apiKey: 'sk-test' },
        anthropic: { baseUrl: stack.mock.url, apiKey: 'sk-ant-test' },
      },
    });
    try {
      const openai = new OpenAI({ apiKey: 'unused', fetch: client.fetch, maxRetries: 0 });
      const body = {
        model: 'openai/gpt-4o-mini',
        messages: [{ role: 'user' as const, content: 'SDK once' }],
      };
      const headers = { 'Idempotency-Key': 'sdk-1' };
      const before = upstream();
      const first = await openai.chat.completions.create(body, { headers });
      const { data, response } = await openai.chat.completions
        .create(body, { headers })
        .withResponse();
      expect(response.headers.get('x-breakwater-cache')).toBe('idempotent-replay');
      expect(data).toEqual(first);
      expect(upstream() - before).toBe(1);

      const anthropic = new Anthropic({ apiKey: 'unused', fetch: client.fetch, maxRetries: 0 });
      const ask = (content: string) =>
        anthropic.messages.create(
          {
            model: 'anthropic/claude-haiku-4-5',
            max_tokens: 32,
            messages: [{ role: 'user', content }],
          },
          { headers: { 'Idempotency-Key': 'sdk-2' } },
        );
      await ask('First');
      const error = await ask('Second').catch((err: unknown) => err);
      expect(error).toBeInstanceOf(Anthropic.ConflictError);
      expect((error as InstanceType<typeof Anthropic.ConflictError>).status).toBe(409);
    } finally {
      await client.close();
    }
  });
});
