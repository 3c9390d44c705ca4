/**
 * Client keys: both SDKs' ways of sending one, a 401 in the caller's dialect for a missing or
 * wrong key, route limits per key (403, and a filtered models list), probes left open, and the
 * client's key never sent upstream.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashClientKey } from '../../src/gateway/index.ts';
import { type Stack, startStack } from './gateway-harness.ts';

const ADMIN_KEY = 'bw-admin-key-0123456789abcdef';
const TEAM_KEY = 'bw-team-key-0123456789abcdef';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({
    listen: false,
    // The simulator accepts only the provider keys: a client key sent upstream would be a 401.
    scenario: {
      seed: 1,
      apiKeys: [
        'sk-proj-PROVIDERSECRETopenai0123456789',
        'sk-ant-api03-PROVIDERSECRETanthropic0123456789',
      ],
    },
    routes: {
      chat: { tiers: ['openai/gpt-4o-mini'] },
      smart: { tiers: ['anthropic/claude-sonnet-4-5'] },
    },
    gateway: {
      clientKeys: [
        { id: 'admin', key: ADMIN_KEY },
        { id: 'team', keyHash: hashClientKey(TEAM_KEY), routes: ['chat'] },
      ],
    },
  });
});

afterAll(async () => {
  await stack.close();
});

const chat = { model: 'chat', messages: [{ role: 'user', content: 'Hi' }] };
const message = { model: 'smart', max_tokens: 20, messages: [{ role: 'user', content: 'Hi' }] };

describe('client keys', () => {
  it('accepts a key as Authorization: Bearer or x-api-key', async () => {
    const bearer = await stack.app.inject({
      method: 'POST',
      url: '/v1/chat/completions',
      payload: chat,
      headers: { authorization: `Bearer ${ADMIN_KEY}` },
    });
    expect(bearer.statusCode).toBe(200);
    const apiKey = await stack.app.inject({
      method: 'POST',
      url: '/v1/messages',
      payload: message,
      headers: { 'x-api-key': ADMIN_KEY, 'anthropic-version': '2023-06-01' },
    });
    expect(apiKey.statusCode).toBe(200);
  });

  it('answers a missing or wrong key 401 in the caller’s dialect, before reading the body', async () => {
    const missing = await stack.app.inject({
      method: 'POST',
      url: '/v1/chat/completions',
      payload: chat,
    });
    expect(missing.statusCode).toBe(401);
    expect(missing.json().error).toMatchObject({
      type: 'authentication_error',
      code: 'invalid_api_key',
    });
    expect(missing.headers['x-should-retry']).toBe('false');

    const wrong = await stack.app.inject({
      method: 'POST',
      url: '/v1/messages',
      payload: '{not json',
      headers: { 'x-api-key': `${ADMIN_KEY}x`, 'content-type': 'application/json' },
    });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json()).toMatchObject({ type: 'error', error: { type: 'authentication_error' } });
    expect(wrong.body).not.toContain(ADMIN_KEY);

    for (const url of ['/v1/models', '/status']) {
      expect((await stack.app.inject({ url })).statusCode).toBe(401);
    }
    for (const url of ['/healthz', '/readyz']) {
      expect((await stack.app.inject({ url })).statusCode).toBe(200);
    }
  });

  it('says what was wrong with an Authorization header it could not read a key from', async () => {
    const cases: [string, RegExp][] = [
      ['Basic dXNlcjpwYXNz', /uses the Basic scheme, not Bearer/],
      [`Token ${ADMIN_KEY}`, /uses the Token scheme, not Bearer/],
      [`Bearer ${ADMIN_KEY} ${ADMIN_KEY}`, /holds 2 tokens after Bearer; send exactly one/],
      ['Bearer', /says Bearer but holds no key/],
    ];
    for (const [authorization, message] of cases) {
      for (const url of ['/v1/chat/completions', '/v1/messages']) {
        const res = await stack.app.inject({
          method: 'POST',
          url,
          payload: chat,
          headers: { authorization },
        });
        expect(res.statusCode).toBe(401);
        const error = res.json().error;
        expect(error.type).toBe('authentication_error');
        expect(error.message).toMatch(message);
        expect(error.message).not.toMatch(/needs a client key/);
        expect(res.body).not.toContain(ADMIN_KEY);
        expect(res.body).not.toContain('dXNlcjpwYXNz');
      }
    }
  });

  it('limits a key to its routes', async () => {
    const headers = { authorization: `Bearer ${TEAM_KEY}` };
    const allowed = await stack.app.inject({
      method: 'POST',
      url: '/v1/chat/completions',
      payload: chat,
      headers,
    });
    expect(allowed.statusCode).toBe(200);
    const denied = await stack.app.inject({
      method: 'POST',
      url: '/v1/chat/completions',
      payload: { ...chat, model: 'smart' },
      headers,
    });
    expect(denied.statusCode).toBe(403);
    expect(denied.json().error.message).toMatch(/client key "team" may not use route "smart"/);
    const byHeader = await stack.app.inject({
      method: 'POST',
      url: '/v1/chat/completions',
      payload: chat,
      headers: { ...headers, 'x-breakwater-route': 'openai/gpt-4o' },
    });
    expect(byHeader.statusCode).toBe(403);
    const models = await stack.app.inject({ url: '/v1/models', headers });
    expect(models.json().data.map((m: { id: string }) => m.id)).toEqual(['chat']);
  });

  it('logs the key’s id as the tenant, never the key', async () => {
    const line = stack.logs.map((l) => JSON.parse(l)).find((l) => l.tenant === 'team');
    expect(line).toMatchObject({ msg: 'request', tenant: 'team' });
    const all = stack.logs.join('\n');
    expect(all).not.toContain(TEAM_KEY);
    expect(all).not.toContain(ADMIN_KEY);
  });
});
