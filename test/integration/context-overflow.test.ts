/**
 * A route's onContextOverflow against the simulator: a prompt too long for a target's context
 * window (the catalog's, shrunk here to 300 tokens) is never sent to it; with no tier able to take
 * it the route rejects, falls back to its larger-context target, slides the conversation or
 * summarises it through the engine.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type BreakwaterClient, createClient } from '../../src/client/create-client.ts';
import type { RouteConfig } from '../../src/config/config-types.ts';
import { type MockServer, startMock } from '../../src/mock/index.ts';

let mock: MockServer | undefined;
let client: BreakwaterClient | undefined;
afterEach(async () => {
  await client?.close();
  await mock?.close();
  client = mock = undefined;
});

async function setup(route: RouteConfig) {
  mock = await startMock({ default: { outputTokens: 8 } }, { seed: 3 });
  client = createClient(
    {
      providers: {
        openai: { baseUrl: mock.url, apiKey: 'sk-test' },
        anthropic: { baseUrl: mock.url, apiKey: 'sk-ant-test' },
      },
      policy: { retry: { maxAttempts: 1 } },
      catalog: { 'openai/gpt-4o-mini': { contextWindow: 300 } },
      routes: { chat: route },
    },
    { env: {} },
  );
  return client;
}

/** A conversation of about 60 tokens a turn: too long for 300 tokens with 10 turns. */
function longChat(turns = 10) {
  const messages: { role: string; content: string }[] = [{ role: 'system', content: 'Be brief.' }];
  for (let i = 0; i < turns; i++) {
    messages.push({
      role: 'user',
      content: `question ${i}: ${'tell me more about the sea '.repeat(5)}`,
    });
    messages.push({
      role: 'assistant',
      content: `answer ${i}: ${'the sea is wide and deep '.repeat(5)}`,
    });
  }
  messages.push({ role: 'user', content: 'and finally?' });
  return { model: 'chat', messages, max_tokens: 20 } as Parameters<BreakwaterClient['chat']>[0];
}

async function requests(model: string): Promise<number> {
  const stats = (await (await fetch(`${mock!.url}/__stats`)).json()) as {
    models: Record<string, { requests: number }>;
  };
  return stats.models[model]?.requests ?? 0;
}

describe('onContextOverflow', () => {
  it('reject: a 400 context_overflow with the numbers, nothing sent', async () => {
    const c = await setup({ tiers: ['openai/gpt-4o-mini'] });
    await expect(c.chat(longChat())).rejects.toMatchObject({
      code: 'context_overflow',
      status: 400,
      message: expect.stringMatching(
        /the prompt \(\d+ tokens\) plus max_tokens \(20\) does not fit the context window of any target of chat \(smallest: 300 tokens\)/,
      ),
    });
    expect(await requests('gpt-4o-mini')).toBe(0);
  });

  it('a short prompt is not even counted against the window, and goes through', async () => {
    const c = await setup({ tiers: ['openai/gpt-4o-mini'] });
    const answer = await c.chat({ model: 'chat', messages: [{ role: 'user', content: 'hi' }] });
    expect(answer.kind).toBe('json');
    expect(await requests('gpt-4o-mini')).toBe(1);
  });

  it('skips a tier too small for the prompt without calling it', async () => {
    const c = await setup({ tiers: ['openai/gpt-4o-mini', 'anthropic/claude-haiku-4-5'] });
    const answer = await c.chat(longChat());
    expect(answer.meta).toMatchObject({ target: 'anthropic/claude-haiku-4-5', attempts: 1 });
    expect(answer.meta.trail[0]).toMatchObject({
      target: 'openai/gpt-4o-mini',
      result: 'skipped',
      code: 'context_overflow',
    });
    expect(await requests('gpt-4o-mini')).toBe(0);
  });

  it('fallback: the larger-context target answers, the small one is never called', async () => {
    const c = await setup({
      tiers: ['openai/gpt-4o-mini'],
      contextFallback: 'anthropic/claude-sonnet-4-5',
    });
    const answer = await c.chat(longChat());
    expect(answer.meta).toMatchObject({
      target: 'anthropic/claude-sonnet-4-5',
      fallback: 'context',
    });
    expect(await requests('gpt-4o-mini')).toBe(0);
  });

  it('slide: the oldest turns are dropped until the prompt fits', async () => {
    const c = await setup({ tiers: ['openai/gpt-4o-mini'], onContextOverflow: 'slide' });
    const answer = await c.chat(longChat());
    expect(answer.kind).toBe('json');
    const usage = (answer as { body: { usage: { prompt_tokens: number } } }).body.usage;
    expect(usage.prompt_tokens).toBeLessThanOrEqual(300 - 20);
    expect(await requests('gpt-4o-mini')).toBe(1);
  });

  it('summarize: the older turns are summarised through the engine on summaryRoute, then sent', async () => {
    const c = await setup({
      tiers: ['openai/gpt-4o-mini'],
      onContextOverflow: 'summarize',
      summaryRoute: 'anthropic/claude-haiku-4-5',
    });
    const answer = await c.chat(longChat());
    expect(answer.kind).toBe('json');
    const usage = (answer as { body: { usage: { prompt_tokens: number } } }).body.usage;
    expect(usage.prompt_tokens).toBeLessThanOrEqual(300 - 20);
    expect(await requests('claude-haiku-4-5')).toBe(1);
    expect(await requests('gpt-4o-mini')).toBe(1);
  });
});
