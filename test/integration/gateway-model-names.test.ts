/**
 * A `model` the answer's headers could not carry — a NUL or other control character, a character
 * beyond Latin-1, or a name longer than any model's — is a 400 naming `model`, in the caller's
 * dialect, streaming or not, and the upstream is never called. (It used to be a 500 in Fastify's
 * own format after the upstream call, or, streaming, a dropped connection with no answer.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Stack, startStack } from './gateway-harness.ts';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ scenario: { seed: 4, default: { outputTokens: 4 } } });
});

afterAll(async () => {
  await stack.close();
});

const NAMES = [
  'openai/gpt-4o-mini\u0000',
  'openai/gpt\u00004o',
  'openai/gpt-4o-mini\u001b[31m',
  'openai/gpt-4o-mini\u007f',
  'openai/gpt-4o-mini\u2028',
  'openai/модель',
  'anthropic/claude-😀',
  'anthropic/claude\r\nx-injected: yes',
  `openai/${'m'.repeat(300)}`,
];

describe('model names the headers could not carry', () => {
  for (const path of ['/v1/chat/completions', '/v1/messages']) {
    for (const stream of [false, true]) {
      it(`are a 400 naming model on ${path}${stream ? ', streaming' : ''}, upstream never called`, async () => {
        for (const model of NAMES) {
          const res = await fetch(`${stack.url}${path}`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({
              model,
              max_tokens: 8,
              stream,
              messages: [{ role: 'user', content: 'Hi' }],
            }),
          });
          expect(res.status, JSON.stringify(model)).toBe(400);
          const json = (await res.json()) as {
            type?: string;
            error: { type: string; message: string; param?: string };
          };
          if (path === '/v1/messages') expect(json.type).toBe('error');
          else expect(json.error.param).toBe('model');
          expect(json.error.type).toBe('invalid_request_error');
          expect(json.error.message).toContain('`model`');
        }
        expect(stack.mock.stats().total.requests).toBe(0);
      });
    }
  }

  it('still serves a Latin-1 name, echoed as it was sent', async () => {
    const res = await fetch(`${stack.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'openai/gpt-4o-mini',
        messages: [{ role: 'user', content: 'Hi' }],
      }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-breakwater-target')).toBe('openai/gpt-4o-mini');
  });
});
