/**
 * The preflight at the gateway, as a client meets it: a request with several mistakes gets one
 * 400 naming every one, in the caller's dialect, and nothing reaches the provider; a request
 * Anthropic merely tolerates goes through, and the warning is logged and counted.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Stack, startStack } from './gateway-harness.ts';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ listen: false });
});
afterAll(() => stack.close());

const post = (url: string, payload: unknown) =>
  stack.app.inject({ method: 'POST', url, payload: payload as Record<string, unknown> });

async function upstreamRequests(): Promise<number> {
  const stats = (await (await fetch(`${stack.mock.url}/__stats`)).json()) as {
    total: { requests: number };
  };
  return stats.total.requests;
}

describe('preflight at the gateway', () => {
  it('answers an OpenAI request with three mistakes in one 400 naming all three, sending nothing', async () => {
    const before = await upstreamRequests();
    const res = await post('/v1/chat/completions', {
      model: 'openai/gpt-4o-mini',
      messages: [{ role: 'usr', content: 'hi' }, { role: 'user' }],
      temperature: 'warm',
    });
    expect(res.statusCode).toBe(400);
    const body = res.json();
    expect(body.error).toMatchObject({ type: 'invalid_request_error', param: 'temperature' });
    expect(body.error.message).toMatch(/^3 problems in the request: /);
    expect(body.breakwater.problems.map((p: { param: string }) => p.param)).toEqual([
      'temperature',
      'messages.1.content',
      'messages.0.role',
    ]);
    expect(await upstreamRequests()).toBe(before);
  });

  it('answers an Anthropic caller in its own envelope', async () => {
    const res = await post('/v1/messages', {
      model: 'anthropic/claude-haiku-4-5',
      max_tokens: 'lots',
      messages: [{ role: 'user', content: 7 }],
    });
    expect(res.statusCode).toBe(400);
    const body = res.json();
    expect(body.type).toBe('error');
    expect(body.error.type).toBe('invalid_request_error');
    expect(body.error.message).toMatch(/^2 problems in the request: /);
    expect(body.error.message).toContain(
      '`max_tokens` must be an integer of at least 0, got a string',
    );
    expect(body.error.message).toContain(
      '`messages.0.content` must be a string or a list of content blocks, got 7',
    );
  });

  it('lets a request Anthropic tolerates through, and logs and counts the warning', async () => {
    const res = await post('/v1/messages', {
      model: 'anthropic/claude-haiku-4-5',
      max_tokens: 20,
      messages: [
        { role: 'user', content: 'one' },
        { role: 'user', content: 'two' },
      ],
    });
    expect(res.statusCode).toBe(200);
    const line = stack.logs.find((l) => l.includes('"preflight_warning"'));
    expect(line).toBeDefined();
    expect(JSON.parse(line!)).toMatchObject({
      rules: ['anthropic.consecutive_roles'],
      paths: ['messages.1.role'],
    });
    expect(line).not.toContain('"two"');
    const status = (await stack.app.inject({ method: 'GET', url: '/status' })).json();
    expect(status.preflightWarnings).toEqual({ 'anthropic.consecutive_roles': 1 });
  });
});
