/**
 * The official `@anthropic-ai/sdk` client (maxRetries 0), its base URL pointed at the gateway on
 * 127.0.0.1, in front of the simulator: plain and streaming messages, tool use, count_tokens,
 * fallback to an OpenAI model, and each failure surfacing as the SDK's own error class.
 */
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ANTHROPIC_PROVIDER_KEY,
  CLIENT_KEY,
  COMPAT_KEYS,
  COMPAT_POLICY,
  FALLBACK_ROUTES,
  faultScenario,
  LIMITED_KEY,
  type Stack,
  startStack,
} from './gateway-harness.ts';

let stack: Stack;
let anthropic: Anthropic;

const ask = (model: string) => ({
  model,
  max_tokens: 64,
  messages: [{ role: 'user' as const, content: 'Hi' }],
});

beforeAll(async () => {
  stack = await startStack({
    scenario: faultScenario(),
    routes: FALLBACK_ROUTES,
    policy: COMPAT_POLICY,
    gateway: { clientKeys: COMPAT_KEYS },
  });
  anthropic = new Anthropic({ apiKey: CLIENT_KEY, baseURL: stack.url, maxRetries: 0 });
});

afterAll(async () => {
  await stack.close();
});

type ApiError = InstanceType<typeof Anthropic.APIError>;

async function failure(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(Anthropic.APIError);
  expect((error as Error).message).not.toContain(ANTHROPIC_PROVIDER_KEY);
  return error as ApiError;
}

describe('@anthropic-ai/sdk → gateway', () => {
  it('creates messages, plain and streaming, with the gateway’s request id', async () => {
    const { data, response, request_id } = await anthropic.messages
      .create(ask('anthropic/claude-sonnet-4-5'))
      .withResponse();
    expect(data.content[0]?.type).toBe('text');
    expect(request_id).toMatch(/^req_/);
    expect(response.headers.get('x-breakwater-target')).toBe('anthropic/claude-sonnet-4-5');

    const final = await anthropic.messages
      .stream(ask('anthropic/claude-sonnet-4-5'))
      .finalMessage();
    expect(final.stop_reason).toBe('end_turn');
    expect(final.usage.output_tokens).toBeGreaterThan(0);
  });

  it('returns tool use, plain and streaming', async () => {
    const tools = [
      {
        name: 'get_weather',
        input_schema: { type: 'object' as const, properties: { city: { type: 'string' } } },
      },
    ];
    const msg = await anthropic.messages.create({ ...ask('anthropic/claude-tools'), tools });
    expect(msg.stop_reason).toBe('tool_use');
    expect(msg.content.find((b) => b.type === 'tool_use')).toMatchObject({ name: 'get_weather' });
    const final = await anthropic.messages
      .stream({ ...ask('anthropic/claude-tools'), tools })
      .finalMessage();
    const block = final.content.find((b) => b.type === 'tool_use');
    expect(block).toMatchObject({ name: 'get_weather', input: expect.any(Object) });
  });

  it('counts tokens', async () => {
    const { input_tokens } = await anthropic.messages.countTokens({
      model: 'chat',
      messages: [{ role: 'user', content: 'Hello there, how are you today?' }],
    });
    expect(input_tokens).toBeGreaterThan(5);
    expect(input_tokens).toBeLessThan(20);
  });

  it('falls back across dialects to a GPT model, plain and streaming', async () => {
    const { data, response } = await anthropic.messages.create(ask('to-gpt')).withResponse();
    expect(data.model).toBe('gpt-4o');
    expect(response.headers.get('x-breakwater-fallback')).toBe('tier');
    const final = await anthropic.messages.stream(ask('to-gpt')).finalMessage();
    expect(final.content[0]?.type).toBe('text');
  });

  it('raises RateLimitError with Retry-After for a 429', async () => {
    const err = await failure(anthropic.messages.create(ask('anthropic/claude-429')));
    expect(err).toBeInstanceOf(Anthropic.RateLimitError);
    expect(err.headers?.get('retry-after')).toBe('2');
    expect(err.type).toBe('rate_limit_error');
  });

  it('raises InternalServerError for 500, 503, 529 and timeouts', async () => {
    for (const model of ['claude-500', 'claude-503', 'claude-529', 'claude-hang']) {
      const err = await failure(
        anthropic.messages.create(ask(`anthropic/${model}`), {
          headers: { 'x-breakwater-deadline-ms': '600' },
        }),
      );
      expect(err, model).toBeInstanceOf(Anthropic.InternalServerError);
      expect(err.message, model).toContain(`anthropic/${model}`);
    }
    const overloaded = await failure(anthropic.messages.create(ask('anthropic/claude-529')));
    expect(overloaded.status).toBe(529);
    expect(overloaded.type).toBe('overloaded_error');
  });

  it('raises BadRequestError for an upstream 400 and for malformed input', async () => {
    const upstream = await failure(anthropic.messages.create(ask('anthropic/claude-400')));
    expect(upstream).toBeInstanceOf(Anthropic.BadRequestError);
    const local = await failure(
      anthropic.messages.create({ ...ask('chat'), max_tokens: 'lots' as never }),
    );
    expect(local).toBeInstanceOf(Anthropic.BadRequestError);
    expect(local.message).toMatch(/`max_tokens` must be an integer/);
  });

  it('raises NotFoundError for an unknown model', async () => {
    const err = await failure(anthropic.messages.create(ask('claude-nope')));
    expect(err).toBeInstanceOf(Anthropic.NotFoundError);
    expect(err.type).toBe('not_found_error');
  });

  it('raises AuthenticationError for a wrong client key, PermissionDeniedError for a route', async () => {
    const wrong = new Anthropic({
      apiKey: 'sk-ant-wrong-0123456789',
      baseURL: stack.url,
      maxRetries: 0,
    });
    const err = await failure(wrong.messages.create(ask('chat')));
    expect(err).toBeInstanceOf(Anthropic.AuthenticationError);
    expect(err.type).toBe('authentication_error');
    const limited = new Anthropic({ apiKey: LIMITED_KEY, baseURL: stack.url, maxRetries: 0 });
    const denied = await failure(limited.messages.create(ask('to-gpt')));
    expect(denied).toBeInstanceOf(Anthropic.PermissionDeniedError);
  });

  it('raises an error from a stream that fails after its first content', async () => {
    const stream = anthropic.messages.stream(ask('anthropic/claude-midfail'));
    let text = '';
    stream.on('text', (t) => {
      text += t;
    });
    const err = await failure(stream.finalMessage());
    expect(text.length).toBeGreaterThan(0);
    expect(err.message).toMatch(/overloaded|error/i);
  });

  it('lists routes through models.list', async () => {
    const ids: string[] = [];
    for await (const model of anthropic.models.list()) ids.push(model.id);
    expect(ids).toContain('to-gpt');
  });
});
