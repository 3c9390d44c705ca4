/**
 * A body is checked once: the gateway runs the preflight and hands its result to the engine,
 * which does not check again; a library call is checked once, by the engine. The real checks
 * run — the module is wrapped only to count its calls.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createClient } from '../../src/client/create-client.ts';
import { type Stack, startStack } from './gateway-harness.ts';

const checks = vi.hoisted(() => ({ count: 0 }));
vi.mock('../../src/preflight/request-shape.ts', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/preflight/request-shape.ts')>();
  return {
    ...real,
    checkShape: (...args: Parameters<typeof real.checkShape>) => {
      checks.count++;
      return real.checkShape(...args);
    },
  };
});

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ listen: false });
});
afterAll(() => stack.close());

const user = { role: 'user', content: 'hi' };

describe('the preflight runs once per body', () => {
  it('at the gateway, in both dialects', async () => {
    for (const [url, payload] of [
      ['/v1/chat/completions', { model: 'openai/gpt-4o-mini', messages: [user] }],
      ['/v1/messages', { model: 'anthropic/claude-haiku-4-5', max_tokens: 20, messages: [user] }],
    ] as const) {
      const before = checks.count;
      const res = await stack.app.inject({ method: 'POST', url, payload });
      expect(res.statusCode, url).toBe(200);
      expect(checks.count - before, url).toBe(1);
    }
  });

  it('in the library', async () => {
    const client = createClient(
      { providers: { openai: { baseUrl: stack.mock.url, apiKey: 'sk-test' } } },
      { env: {} },
    );
    try {
      const before = checks.count;
      const answer = await client.call('openai', { model: 'openai/gpt-4o-mini', messages: [user] });
      expect(answer.kind).toBe('json');
      expect(checks.count - before).toBe(1);
    } finally {
      await client.close();
    }
  });
});
