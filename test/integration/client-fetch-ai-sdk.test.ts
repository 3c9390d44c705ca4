/**
 * The Vercel AI SDK's providers with `fetch: client.fetch`: generateText and streamText in both
 * dialects, and a cross-dialect fallback, against the simulator.
 */
import { createAnthropic } from '@ai-sdk/anthropic';
import { createOpenAI } from '@ai-sdk/openai';
import { generateText, streamText } from 'ai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BreakwaterClient, createClient } from '../../src/index.ts';
import { type MockServer, startMock } from '../../src/mock/index.ts';

let mock: MockServer;
let client: BreakwaterClient;

beforeAll(async () => {
  mock = await startMock({
    seed: 2,
    default: { outputTokens: 10 },
    models: { 'gpt-down': { down: [{ fromS: 0, toS: 100_000, status: 503 }] } },
  });
  client = createClient({
    providers: {
      openai: { baseUrl: mock.url, apiKey: 'sk-test' },
      anthropic: { baseUrl: mock.url, apiKey: 'sk-ant-test' },
    },
    routes: { chat: { tiers: ['openai/gpt-down', 'anthropic/claude-haiku-4-5'] } },
    policy: { retry: { baseMs: 5, capMs: 20 } },
  });
});

afterAll(async () => {
  await client.close();
  await mock.close();
});

const openai = () =>
  createOpenAI({ apiKey: 'unused', baseURL: 'http://breakwater.invalid/v1', fetch: client.fetch });
const anthropic = () =>
  createAnthropic({
    apiKey: 'unused',
    baseURL: 'http://breakwater.invalid/v1',
    fetch: client.fetch,
  });

describe('client.fetch with the Vercel AI SDK', () => {
  it('generates and streams through the OpenAI provider', async () => {
    const { text } = await generateText({
      model: openai().chat('openai/gpt-4o'),
      prompt: 'Hi',
      maxRetries: 0,
    });
    expect(text.length).toBeGreaterThan(0);
    const result = streamText({
      model: openai().chat('openai/gpt-4o'),
      prompt: 'Hi',
      maxRetries: 0,
    });
    let streamed = '';
    for await (const part of result.textStream) streamed += part;
    expect(streamed.length).toBeGreaterThan(0);
    expect((await result.usage).outputTokens).toBeGreaterThan(0);
  });

  it('generates and streams through the Anthropic provider', async () => {
    const { text, finishReason } = await generateText({
      model: anthropic()('anthropic/claude-sonnet-4-5'),
      prompt: 'Hi',
      maxRetries: 0,
    });
    expect(text.length).toBeGreaterThan(0);
    expect(finishReason).toBe('stop');
    const result = streamText({
      model: anthropic()('anthropic/claude-sonnet-4-5'),
      prompt: 'Hi',
      maxRetries: 0,
    });
    let streamed = '';
    for await (const part of result.textStream) streamed += part;
    expect(streamed.length).toBeGreaterThan(0);
  });

  it('falls back across dialects for an AI SDK OpenAI caller', async () => {
    const { text, response } = await generateText({
      model: openai().chat('chat'),
      prompt: 'Hi',
      maxRetries: 0,
    });
    expect(text.length).toBeGreaterThan(0);
    expect(response.modelId).toBe('claude-haiku-4-5');
  });
});
