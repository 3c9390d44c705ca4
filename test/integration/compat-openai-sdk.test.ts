/**
 * The official `openai` client (maxRetries 0), its base URL pointed at the gateway on 127.0.0.1,
 * in front of the simulator: plain and streaming completions, tool calls, fallback to an
 * Anthropic model, and each failure surfacing as the SDK's own error class with a message that
 * says what happened.
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CLIENT_KEY,
  COMPAT_KEYS,
  COMPAT_POLICY,
  FALLBACK_ROUTES,
  faultScenario,
  LIMITED_KEY,
  OPENAI_PROVIDER_KEY,
  type Stack,
  startStack,
} from './gateway-harness.ts';

let stack: Stack;
let openai: OpenAI;

const user = [{ role: 'user' as const, content: 'Hi' }];

beforeAll(async () => {
  stack = await startStack({
    scenario: faultScenario(),
    routes: FALLBACK_ROUTES,
    policy: COMPAT_POLICY,
    gateway: { clientKeys: COMPAT_KEYS },
  });
  openai = new OpenAI({ apiKey: CLIENT_KEY, baseURL: `${stack.url}/v1`, maxRetries: 0 });
});

afterAll(async () => {
  await stack.close();
});

async function failure(promise: Promise<unknown>): Promise<InstanceType<typeof OpenAI.APIError>> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(OpenAI.APIError);
  const err = error as InstanceType<typeof OpenAI.APIError>;
  expect(err.message).not.toContain(OPENAI_PROVIDER_KEY);
  return err;
}

describe('openai SDK → gateway', () => {
  it('completes, plain and streaming, with the gateway’s request id', async () => {
    const { data, response, request_id } = await openai.chat.completions
      .create({ model: 'chat', messages: user })
      .withResponse();
    expect(data.choices[0]?.message.content).toBeTruthy();
    expect(request_id).toMatch(/^req_/);
    expect(response.headers.get('x-breakwater-target')).toBe('openai/gpt-4o-mini');

    const stream = await openai.chat.completions.create({
      model: 'chat',
      messages: user,
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let usage: unknown;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      usage ??= chunk.usage;
    }
    expect(text.length).toBeGreaterThan(0);
    expect(usage).toMatchObject({ completion_tokens: expect.any(Number) });
  });

  it('returns tool calls, plain and streaming', async () => {
    const tools = [
      {
        type: 'function' as const,
        function: {
          name: 'get_weather',
          parameters: { type: 'object', properties: { city: { type: 'string' } } },
        },
      },
    ];
    const res = await openai.chat.completions.create({
      model: 'openai/gpt-tools',
      messages: user,
      tools,
    });
    expect(res.choices[0]?.finish_reason).toBe('tool_calls');
    const call = res.choices[0]?.message.tool_calls?.[0];
    expect(call?.type === 'function' && call.function.name).toBe('get_weather');

    const runner = openai.chat.completions.stream({
      model: 'openai/gpt-tools',
      messages: user,
      tools,
    });
    const final = await runner.finalChatCompletion();
    const streamed = final.choices[0]?.message.tool_calls?.[0];
    expect(streamed?.type === 'function' && streamed.function.name).toBe('get_weather');
    expect(() =>
      JSON.parse((streamed as { function: { arguments: string } }).function.arguments),
    ).not.toThrow();
  });

  it('falls back across dialects to a Claude model, plain and streaming', async () => {
    const { data, response } = await openai.chat.completions
      .create({ model: 'to-claude', messages: user })
      .withResponse();
    expect(data.model).toBe('claude-sonnet-4-5');
    expect(response.headers.get('x-breakwater-fallback')).toBe('tier');
    const final = await openai.chat.completions
      .stream({ model: 'to-claude', messages: user })
      .finalChatCompletion();
    expect(final.choices[0]?.message.content).toBeTruthy();
  });

  it('raises RateLimitError with Retry-After for a 429', async () => {
    const err = await failure(
      openai.chat.completions.create({ model: 'openai/gpt-429', messages: user }),
    );
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    expect(err.headers?.get('retry-after')).toBe('2');
    expect(err.message).toMatch(/^429 /);
    expect(err.code).toBe('rate_limit_exceeded');
  });

  it('raises InternalServerError for 500, 503, 529 and timeouts', async () => {
    for (const model of ['openai/gpt-500', 'openai/gpt-503', 'openai/gpt-529', 'openai/gpt-hang']) {
      const err = await failure(
        openai.chat.completions.create(
          { model, messages: user },
          { headers: { 'x-breakwater-deadline-ms': '600' } },
        ),
      );
      expect(err, model).toBeInstanceOf(OpenAI.InternalServerError);
      expect(err.message, model).toMatch(/openai\/gpt-/);
    }
  });

  it('raises BadRequestError for an upstream 400 and for malformed input', async () => {
    const upstream = await failure(
      openai.chat.completions.create({ model: 'openai/gpt-400', messages: user }),
    );
    expect(upstream).toBeInstanceOf(OpenAI.BadRequestError);
    const local = await failure(
      openai.chat.completions.create({
        model: 'chat',
        messages: [{ role: 'user', content: 7 as never }],
      }),
    );
    expect(local).toBeInstanceOf(OpenAI.BadRequestError);
    expect(local.param).toBe('messages.0.content');
  });

  it('raises NotFoundError for an unknown model, listing the routes', async () => {
    const err = await failure(
      openai.chat.completions.create({ model: 'gpt-nope', messages: user }),
    );
    expect(err).toBeInstanceOf(OpenAI.NotFoundError);
    expect(err.message).toContain('routes: to-claude, to-gpt, chat');
  });

  it('raises AuthenticationError for a wrong client key, PermissionDeniedError for a route', async () => {
    const wrong = new OpenAI({
      apiKey: 'sk-wrong-key-0123456789',
      baseURL: `${stack.url}/v1`,
      maxRetries: 0,
    });
    const err = await failure(wrong.chat.completions.create({ model: 'chat', messages: user }));
    expect(err).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(err.message).toMatch(/client key/);
    const limited = new OpenAI({ apiKey: LIMITED_KEY, baseURL: `${stack.url}/v1`, maxRetries: 0 });
    const denied = await failure(
      limited.chat.completions.create({ model: 'to-claude', messages: user }),
    );
    expect(denied).toBeInstanceOf(OpenAI.PermissionDeniedError);
  });

  it('raises APIError from a stream that fails after its first content', async () => {
    const stream = await openai.chat.completions.create({
      model: 'openai/gpt-midfail',
      messages: user,
      stream: true,
    });
    let text = '';
    const err = await failure(
      (async () => {
        for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
      })(),
    );
    expect(text.length).toBeGreaterThan(0);
    expect(err.message).toBeTruthy();
  });

  it('lists routes through models.list', async () => {
    const ids: string[] = [];
    for await (const model of openai.models.list()) ids.push(model.id);
    expect(ids.slice(0, 3)).toEqual(['to-claude', 'to-gpt', 'chat']);
  });
});
