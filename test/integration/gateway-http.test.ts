/**
 * The gateway over HTTP, in front of the simulator: answers and headers in both dialects, the
 * error boundary (bodies Fastify refuses, unknown models and paths), count_tokens, the models
 * list, health, readiness and status — mostly through `inject()`, since no socket is needed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAST_POLICY, type Stack, startStack } from './gateway-harness.ts';

let stack: Stack;

const chat = (body: Record<string, unknown> = {}) => ({
  model: 'chat',
  messages: [{ role: 'user', content: 'Hi' }],
  ...body,
});
const message = (body: Record<string, unknown> = {}) => ({
  model: 'chat',
  max_tokens: 64,
  messages: [{ role: 'user', content: 'Hi' }],
  ...body,
});

beforeAll(async () => {
  stack = await startStack({
    listen: false,
    scenario: {
      seed: 1,
      default: { outputTokens: 12 },
      models: { 'gpt-down': { down: [{ fromS: 0, status: 503 }] } },
    },
    routes: {
      chat: { tiers: ['openai/gpt-4o-mini', 'anthropic/claude-haiku-4-5'] },
      claude: { tiers: ['anthropic/claude-sonnet-4-5'] },
      down: { tiers: ['openai/gpt-down'] },
    },
    policy: { ...FAST_POLICY, breaker: { failureThreshold: 2, minimumCalls: 2 } },
    gateway: {
      bodyLimitBytes: 64 * 1024,
      readiness: [{ name: 'store', check: () => true }],
    },
  });
});

afterAll(async () => {
  await stack.close();
});

const post = (url: string, payload: unknown, headers: Record<string, string> = {}) =>
  stack.app.inject({ method: 'POST', url, payload: payload as string, headers });

describe('answers', () => {
  it('serves OpenAI chat completions with what-happened headers', async () => {
    const res = await post('/v1/chat/completions', chat());
    expect(res.statusCode).toBe(200);
    expect(res.json().object).toBe('chat.completion');
    expect(res.headers['x-request-id']).toMatch(/^req_/);
    expect(res.headers['x-breakwater-route']).toBe('chat');
    expect(res.headers['x-breakwater-target']).toBe('openai/gpt-4o-mini');
    expect(res.headers['x-breakwater-attempts']).toBe('1');
    expect(res.headers['x-breakwater-fallback']).toBe('none');
    expect(Number(res.headers['x-breakwater-overhead-ms'])).toBeGreaterThanOrEqual(0);
  });

  it('serves Anthropic messages, translated from an OpenAI target', async () => {
    const res = await post('/v1/messages', message());
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ type: 'message', role: 'assistant' });
    expect(res.headers['request-id']).toBe(res.headers['x-request-id']);
  });

  it('streams SSE in both dialects, terminator included', async () => {
    const openai = await post('/v1/chat/completions', chat({ stream: true }));
    expect(openai.statusCode).toBe(200);
    expect(openai.headers['content-type']).toMatch(/^text\/event-stream/);
    expect(openai.headers['cache-control']).toBe('no-cache');
    expect(openai.headers['x-request-id']).toMatch(/^req_/);
    expect(openai.body.trimEnd().endsWith('data: [DONE]')).toBe(true);

    const anthropic = await post('/v1/messages', message({ model: 'claude', stream: true }));
    expect(anthropic.statusCode).toBe(200);
    expect(anthropic.body).toContain('event: message_start');
    expect(anthropic.body.trimEnd().endsWith('data: {"type":"message_stop"}')).toBe(true);
  });

  it('counts tokens offline, for any route', async () => {
    const res = await post('/v1/messages/count_tokens', {
      model: 'chat',
      system: 'Be brief.',
      messages: [
        { role: 'user', content: 'The quick brown fox jumps over the lazy dog. '.repeat(10) },
      ],
    });
    expect(res.statusCode).toBe(200);
    // About 10 o200k tokens a sentence, scaled to Claude's tokenizer, plus framing.
    const { input_tokens } = res.json();
    expect(input_tokens).toBeGreaterThan(100);
    expect(input_tokens).toBeLessThan(160);
    // A 60,000-letter word would hold the tokenizer for seconds: it is estimated by length.
    const word = await post('/v1/messages/count_tokens', {
      model: 'chat',
      messages: [{ role: 'user', content: 'y'.repeat(60_000) }],
    });
    expect(word.json().input_tokens).toBeGreaterThan(15_000);
    expect(word.json().input_tokens).toBeLessThan(15_100);
    const unknown = await post('/v1/messages/count_tokens', message({ model: 'nope' }));
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.type).toBe('not_found_error');
  });

  it('lists routes and targets in a shape both SDKs read', async () => {
    const res = await stack.app.inject({ method: 'GET', url: '/v1/models' });
    const list = res.json();
    expect(list.object).toBe('list');
    const ids = list.data.map((m: { id: string }) => m.id);
    expect(ids.slice(0, 3)).toEqual(['chat', 'claude', 'down']);
    expect(ids).toContain('anthropic/claude-haiku-4-5');
    expect(list.data[0]).toMatchObject({ object: 'model', type: 'model', owned_by: 'breakwater' });
    expect(list.first_id).toBe('chat');
    expect(list.has_more).toBe(false);
  });
});

describe('the error boundary', () => {
  it('answers bad JSON, wrong content types and oversized bodies in the caller’s dialect', async () => {
    const json = { 'content-type': 'application/json' };
    const bad = await post('/v1/messages', '{"model":', json);
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
    expect(bad.json().request_id).toBe(bad.headers['x-request-id']);

    const empty = await post('/v1/chat/completions', '', json);
    expect(empty.statusCode).toBe(400);
    expect(empty.json().error.type).toBe('invalid_request_error');

    const form = await post('/v1/chat/completions', 'a=1', {
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect(form.statusCode).toBe(415);
    expect(form.json().error.message).toMatch(/application\/json/);

    const big = await post(
      '/v1/messages',
      JSON.stringify(message({ x: 'y'.repeat(70_000) })),
      json,
    );
    expect(big.statusCode).toBe(413);
    expect(big.json().error.type).toBe('request_too_large');

    const latin1 = await stack.app.inject({
      method: 'POST',
      url: '/v1/chat/completions',
      payload: Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]),
      headers: json,
    });
    expect(latin1.statusCode).toBe(400);
    expect(latin1.json().error.message).toMatch(/UTF-8/);

    const poisoned = await post('/v1/chat/completions', '{"__proto__":{"x":1}}', json);
    expect(poisoned.statusCode).toBe(400);
  });

  it('names the field that is wrong, and refuses fields that would pick an upstream', async () => {
    const res = await post('/v1/messages', message({ messages: [{ role: 'user', content: 7 }] }));
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toMatch(
      /`messages\.0\.content` must be a string or a list of content blocks, got 7/,
    );
    const url = await post('/v1/chat/completions', chat({ base_url: 'http://evil.invalid' }));
    expect(url.statusCode).toBe(400);
    expect(url.json().error.param).toBe('base_url');
  });

  it('answers an unknown model 404 and an unknown path 404', async () => {
    const model = await post('/v1/chat/completions', chat({ model: 'no-such-route' }));
    expect(model.statusCode).toBe(404);
    expect(model.json().error).toMatchObject({ type: 'not_found_error', code: 'model_not_found' });
    const path = await stack.app.inject({ method: 'GET', url: '/v1/engines' });
    expect(path.statusCode).toBe(404);
    expect(path.json().error.message).toMatch(/does not serve GET \/v1\/engines/);
    const url = await stack.app.inject({ method: 'POST', url: '/v1/messages%zz', payload: {} });
    expect(url.statusCode).toBe(400);
    expect(url.json()).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
  });

  it('sends Retry-After with a 503 when the breaker is open', async () => {
    for (let i = 0; i < 2; i++) {
      const res = await post('/v1/chat/completions', chat({ model: 'down' }));
      expect(res.statusCode).toBe(503);
    }
    const open = await post('/v1/chat/completions', chat({ model: 'down' }));
    expect(open.statusCode).toBe(503);
    expect(open.json().breakwater.code).toBe('circuit_open');
    expect(Number(open.headers['retry-after'])).toBeGreaterThan(0);

    const status = (await stack.app.inject({ method: 'GET', url: '/status' })).json();
    const down = status.targets.find((t: { target: string }) => t.target === 'openai/gpt-down');
    expect(down.breaker.state).toBe('open');
    expect(Date.parse(down.breaker.openUntilIso)).toBeGreaterThan(Date.now());
    expect(status.targets.map((t: { target: string }) => t.target)).toContain(
      'anthropic/claude-sonnet-4-5',
    );
  });

  it('rejects a bad deadline header', async () => {
    const res = await post('/v1/chat/completions', chat(), { 'x-breakwater-deadline-ms': 'soon' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.param).toBe('x-breakwater-deadline-ms');
  });
});

describe('health', () => {
  it('is alive, ready and says what it serves', async () => {
    expect((await stack.app.inject({ url: '/healthz' })).json()).toEqual({ status: 'ok' });
    const ready = await stack.app.inject({ url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toMatchObject({ status: 'ready', checks: { config: 'ok', store: 'ok' } });
    const status = (await stack.app.inject({ url: '/status' })).json();
    expect(status).toMatchObject({ status: 'serving', inFlight: 1 });
    expect(status.routes[0]).toEqual({
      name: 'chat',
      tiers: [['openai/gpt-4o-mini'], ['anthropic/claude-haiku-4-5']],
    });
  });
});
