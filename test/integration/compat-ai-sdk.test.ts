/**
 * The Vercel AI SDK (`generateText` / `streamText`, maxRetries 0) with `@ai-sdk/openai` and
 * `@ai-sdk/anthropic` pointed at the gateway on 127.0.0.1: text, streams, tool calls, fallback
 * across dialects, and failures as `APICallError` with the status, Retry-After and message, or as
 * an error part of the stream when it breaks after its first content.
 */
import { createAnthropic } from '@ai-sdk/anthropic';
import { createOpenAI } from '@ai-sdk/openai';
import { APICallError, generateText, streamText, tool } from 'ai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  CLIENT_KEY,
  COMPAT_KEYS,
  COMPAT_POLICY,
  FALLBACK_ROUTES,
  faultScenario,
  type Stack,
  startStack,
} from './gateway-harness.ts';

let stack: Stack;
let openai: ReturnType<typeof createOpenAI>;
let anthropic: ReturnType<typeof createAnthropic>;

beforeAll(async () => {
  (globalThis as { AI_SDK_LOG_WARNINGS?: boolean }).AI_SDK_LOG_WARNINGS = false;
  stack = await startStack({
    scenario: faultScenario(),
    routes: FALLBACK_ROUTES,
    policy: COMPAT_POLICY,
    gateway: { clientKeys: COMPAT_KEYS },
  });
  openai = createOpenAI({ baseURL: `${stack.url}/v1`, apiKey: CLIENT_KEY });
  anthropic = createAnthropic({ baseURL: `${stack.url}/v1`, apiKey: CLIENT_KEY });
});

afterAll(async () => {
  await stack.close();
});

const weather = { get_weather: tool({ inputSchema: z.object({ city: z.string() }) }) };

async function callError(promise: Promise<unknown>): Promise<APICallError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(APICallError.isInstance(error)).toBe(true);
  return error as APICallError;
}

async function streamed(result: ReturnType<typeof streamText>) {
  let text = '';
  const errors: unknown[] = [];
  for await (const part of result.fullStream) {
    if (part.type === 'text-delta') text += part.text;
    if (part.type === 'error') errors.push(part.error);
  }
  return { text, errors };
}

describe.each([
  ['@ai-sdk/openai', () => openai.chat('chat'), (m: string) => openai.chat(`openai/gpt-${m}`)],
  [
    '@ai-sdk/anthropic',
    () => anthropic('anthropic/claude-haiku-4-5'),
    (m: string) => anthropic(`anthropic/claude-${m}`),
  ],
])('%s → gateway', (_name, healthy, faulty) => {
  it('generates and streams text', async () => {
    const result = await generateText({ model: healthy(), prompt: 'Hi', maxRetries: 0 });
    expect(result.text.length).toBeGreaterThan(0);
    expect(result.response.headers?.['x-request-id']).toMatch(/^req_/);
    const { text, errors } = await streamed(
      streamText({ model: healthy(), prompt: 'Hi', maxRetries: 0 }),
    );
    expect(text.length).toBeGreaterThan(0);
    expect(errors).toEqual([]);
  });

  it('returns tool calls, generated and streamed', async () => {
    const result = await generateText({
      model: faulty('tools'),
      prompt: 'Weather?',
      tools: weather,
      maxRetries: 0,
    });
    expect(result.toolCalls[0]).toMatchObject({
      toolName: 'get_weather',
      input: { city: expect.any(String) },
    });
    const stream = streamText({
      model: faulty('tools'),
      prompt: 'Weather?',
      tools: weather,
      maxRetries: 0,
    });
    expect((await stream.toolCalls)[0]).toMatchObject({ toolName: 'get_weather' });
  });

  it('surfaces a 429 as APICallError with Retry-After, a 5xx as retryable', async () => {
    const limited = await callError(
      generateText({ model: faulty('429'), prompt: 'Hi', maxRetries: 0 }),
    );
    expect(limited.statusCode).toBe(429);
    expect(limited.responseHeaders?.['retry-after']).toBe('2');
    expect(limited.message).toMatch(/429/);
    const failed = await callError(
      generateText({ model: faulty('529'), prompt: 'Hi', maxRetries: 0 }),
    );
    expect(failed.statusCode).toBe(529);
    expect(failed.isRetryable).toBe(true);
    const bad = await callError(
      generateText({ model: faulty('400'), prompt: 'Hi', maxRetries: 0 }),
    );
    expect(bad.statusCode).toBe(400);
    expect(bad.isRetryable).toBe(false);
  });

  it('streams an error part when the stream breaks after its first content', async () => {
    const { text, errors } = await streamed(
      streamText({ model: faulty('midfail'), prompt: 'Hi', maxRetries: 0, onError: () => {} }),
    );
    expect(text.length).toBeGreaterThan(0);
    expect(errors).toHaveLength(1);
  });
});

describe('AI SDK fallback across dialects', () => {
  it('an OpenAI provider gets a Claude answer, an Anthropic provider a GPT answer', async () => {
    const toClaude = await generateText({
      model: openai.chat('to-claude'),
      prompt: 'Hi',
      maxRetries: 0,
    });
    expect(toClaude.response.headers?.['x-breakwater-target']).toBe('anthropic/claude-sonnet-4-5');
    const toGpt = streamText({ model: anthropic('to-gpt'), prompt: 'Hi', maxRetries: 0 });
    expect((await toGpt.text).length).toBeGreaterThan(0);
    expect((await toGpt.response).headers?.['x-breakwater-fallback']).toBe('tier');
  });
});
