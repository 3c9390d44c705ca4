/**
 * The official SDKs with `fetch: client.fetch`, against the simulator on 127.0.0.1: plain and
 * streaming calls in both dialects, cross-dialect fallback both ways, cache and static fallback,
 * key rotation after a 401, and errors surfacing as the SDKs' own classes.
 */
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BreakwaterClient, type BreakwaterConfig, createClient } from '../../src/index.ts';
import { type MockServer, type Scenario, startMock } from '../../src/mock/index.ts';

let mock: MockServer;
const clients: BreakwaterClient[] = [];

const fastRetry = { retry: { baseMs: 5, capMs: 20 }, timeouts: { deadlineMs: 10_000 } };

function client(
  config: Omit<BreakwaterConfig, 'providers'>,
  keys: { openai?: unknown; anthropic?: unknown } = {},
) {
  const c = createClient({
    providers: {
      openai: { baseUrl: mock.url, apiKey: (keys.openai as string) ?? 'sk-test-openai' },
      anthropic: { baseUrl: mock.url, apiKey: (keys.anthropic as string) ?? 'sk-ant-test' },
    },
    policy: fastRetry,
    ...config,
  });
  clients.push(c);
  return c;
}

const sdks = (c: BreakwaterClient) => ({
  openai: new OpenAI({
    apiKey: 'unused',
    baseURL: 'http://breakwater.invalid/v1',
    fetch: c.fetch,
    maxRetries: 0,
  }),
  anthropic: new Anthropic({
    apiKey: 'unused',
    baseURL: 'http://breakwater.invalid',
    fetch: c.fetch,
    maxRetries: 0,
  }),
});

const scenario: Scenario = {
  seed: 1,
  default: { outputTokens: 12 },
  models: {
    'gpt-down': { down: [{ fromS: 0, toS: 100_000, status: 503 }] },
    'claude-down': { down: [{ fromS: 0, toS: 100_000, status: 529 }] },
    'gpt-bad-request': { faults: [{ kind: 'status', status: 400, probability: 1 }] },
    'gpt-midfail': { faults: [{ kind: 'midstream_error', afterChunks: 3, probability: 1 }] },
    'gpt-refuses': { faults: [{ kind: 'refusal', probability: 1 }] },
    'gpt-small': {
      faults: [{ kind: 'status', status: 400, variant: 'context_length', probability: 1 }],
    },
  },
};

beforeAll(async () => {
  mock = await startMock(scenario);
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await mock.close();
});

describe('client.fetch with the official SDKs', () => {
  it('serves OpenAI chat completions, plain and streaming', async () => {
    const { openai } = sdks(client({}));
    const res = await openai.chat.completions.create({
      model: 'openai/gpt-4o',
      messages: [{ role: 'user', content: 'Hi' }],
    });
    expect(res.choices[0]?.message.content).toBeTruthy();
    expect(res.model).toBe('gpt-4o');

    const stream = await openai.chat.completions.create({
      model: 'openai/gpt-4o',
      messages: [{ role: 'user', content: 'Hi' }],
      stream: true,
    });
    let text = '';
    let usageChunks = 0;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      if (chunk.usage) usageChunks++;
    }
    expect(text.length).toBeGreaterThan(0);
    // breakwater asked upstream for usage; the caller did not, so it never sees the usage chunk.
    expect(usageChunks).toBe(0);
  });

  it('serves Anthropic messages, plain and streaming', async () => {
    const { anthropic } = sdks(client({}));
    const msg = await anthropic.messages.create({
      model: 'anthropic/claude-sonnet-4-5',
      max_tokens: 64,
      messages: [{ role: 'user', content: 'Hi' }],
    });
    expect(msg.content[0]?.type).toBe('text');
    const final = await anthropic.messages
      .stream({
        model: 'anthropic/claude-sonnet-4-5',
        max_tokens: 64,
        messages: [{ role: 'user', content: 'Hi' }],
      })
      .finalMessage();
    expect(final.stop_reason).toBe('end_turn');
    expect(final.usage.output_tokens).toBeGreaterThan(0);
  });

  it('falls back from a down GPT model to a Claude model for an OpenAI caller', async () => {
    const c = client({
      routes: { chat: { tiers: ['openai/gpt-down', 'anthropic/claude-sonnet-4-5'] } },
    });
    const { openai } = sdks(c);
    const { data, response } = await openai.chat.completions
      .create({
        model: 'chat',
        messages: [
          { role: 'system', content: 'Be brief' },
          { role: 'user', content: 'Hi' },
        ],
      })
      .withResponse();
    expect(data.object).toBe('chat.completion');
    expect(data.choices[0]?.message.content).toBeTruthy();
    expect(data.model).toBe('claude-sonnet-4-5');
    expect(response.headers.get('x-breakwater-target')).toBe('anthropic/claude-sonnet-4-5');
    const direct = await c.chat({ model: 'chat', messages: [{ role: 'user', content: 'Hi' }] });
    // Translated answers have no provider bytes to pass on.
    expect(direct.kind === 'json' && direct.raw).toBeUndefined();
    expect(response.headers.get('x-breakwater-fallback')).toBe('tier');
    expect(Number(response.headers.get('x-breakwater-attempts'))).toBe(5);

    const stream = await openai.chat.completions.create({
      model: 'chat',
      messages: [{ role: 'user', content: 'Hi' }],
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

  it('falls back from a down Claude model to a GPT model for an Anthropic caller', async () => {
    const c = client({ routes: { chat: { tiers: ['anthropic/claude-down', 'openai/gpt-4o'] } } });
    const { anthropic } = sdks(c);
    const msg = await anthropic.messages.create({
      model: 'chat',
      max_tokens: 50,
      messages: [{ role: 'user', content: 'Hi' }],
    });
    expect(msg.type).toBe('message');
    expect(msg.model).toBe('gpt-4o');
    const final = await anthropic.messages
      .stream({ model: 'chat', max_tokens: 50, messages: [{ role: 'user', content: 'Hi' }] })
      .finalMessage();
    expect(final.content[0]?.type).toBe('text');
    expect(final.stop_reason).toBeTruthy();
  });

  it('answers with the static message when every tier is down', async () => {
    const c = client({
      routes: {
        chat: { tiers: ['openai/gpt-down'], staticMessage: 'We are busy, try again soon.' },
      },
    });
    const { openai } = sdks(c);
    const { data, response } = await openai.chat.completions
      .create({ model: 'chat', messages: [{ role: 'user', content: 'Hi' }] })
      .withResponse();
    expect(data.choices[0]?.message.content).toBe('We are busy, try again soon.');
    expect(response.headers.get('x-breakwater-fallback')).toBe('static');
  });

  it('serves the last good answer from the cache when the route fails later', async () => {
    const c = client({
      routes: { chat: { tiers: ['openai/gpt-4o'], policy: { cache: { mode: 'fallback' } } } },
    });
    const { openai } = sdks(c);
    const ask = { model: 'chat', messages: [{ role: 'user' as const, content: 'What is 2+2?' }] };
    const first = await openai.chat.completions.create(ask);
    mock.setScenario({ default: { down: [{ fromS: 0, toS: 100_000, status: 500 }] } });
    try {
      const { data, response } = await openai.chat.completions.create(ask).withResponse();
      expect(data.choices[0]?.message.content).toBe(first.choices[0]?.message.content);
      expect(response.headers.get('x-breakwater-fallback')).toBe('cache');
      const stream = await openai.chat.completions.create({ ...ask, stream: true });
      let text = '';
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
      expect(text).toBe(first.choices[0]?.message.content);
    } finally {
      mock.setScenario(scenario);
    }
  });

  it('never retries a 400, and surfaces it as the SDK’s BadRequestError with the trail', async () => {
    const { openai } = sdks(
      client({
        routes: { chat: { tiers: ['openai/gpt-bad-request', 'anthropic/claude-sonnet-4-5'] } },
      }),
    );
    const error = await openai.chat.completions
      .create({ model: 'chat', messages: [{ role: 'user', content: 'Hi' }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    const body = (error as { error: unknown }).error as Record<string, unknown>;
    expect(String(body.message)).toContain('400');
    // One upstream call, no retry, and no fallback to the next tier for a client's mistake.
    expect(mock.stats().models['gpt-bad-request']?.requests).toBe(1);
  });

  it('surfaces an exhausted route as the last error, with every attempt listed', async () => {
    const { anthropic } = sdks(client({ routes: { chat: { tiers: ['anthropic/claude-down'] } } }));
    const error = await anthropic.messages
      .create({ model: 'chat', max_tokens: 10, messages: [{ role: 'user', content: 'Hi' }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Anthropic.InternalServerError);
    expect((error as InstanceType<typeof Anthropic.APIError>).status).toBe(529);
    expect(String((error as Error).message)).toContain(
      'tried: anthropic/claude-down 529 overloaded',
    );
  });

  it('rejects an unknown model with a 404 that lists what exists', async () => {
    const { openai } = sdks(client({ routes: { chat: { tiers: ['openai/gpt-4o'] } } }));
    const error = await openai.chat.completions
      .create({ model: 'nope', messages: [{ role: 'user', content: 'Hi' }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.NotFoundError);
    expect(String((error as Error).message)).toContain('routes: chat');
  });

  it('ends a stream that fails after its first content with an error the SDK raises', async () => {
    const { openai } = sdks(client({}));
    const stream = await openai.chat.completions.create({
      model: 'openai/gpt-midfail',
      messages: [{ role: 'user', content: 'Hi' }],
      stream: true,
    });
    let text = '';
    const error = await (async () => {
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    })().catch((e: unknown) => e);
    expect(text.length).toBeGreaterThan(0);
    expect(error).toBeInstanceOf(OpenAI.APIError);
  });

  it('asks a key function again once after a 401, and succeeds with the rotated key', async () => {
    mock.setScenario({ seed: 1, apiKeys: ['sk-new'], default: {} });
    try {
      let calls = 0;
      const keyFn = async () => (++calls === 1 ? 'sk-old' : 'sk-new');
      const c = createClient({
        providers: { openai: { baseUrl: mock.url, apiKey: keyFn } },
        policy: fastRetry,
      });
      clients.push(c);
      const { openai } = sdks(c);
      const res = await openai.chat.completions.create({
        model: 'openai/gpt-4o',
        messages: [{ role: 'user', content: 'Hi' }],
      });
      expect(res.choices[0]?.message.content).toBeTruthy();
      expect(calls).toBe(2);
    } finally {
      mock.setScenario(scenario);
    }
  });

  it('sends a prompt that does not fit to the route’s larger-context target', async () => {
    const c = client({
      routes: {
        chat: { tiers: ['openai/gpt-small'], contextFallback: 'anthropic/claude-sonnet-4-5' },
      },
    });
    const { openai } = sdks(c);
    const { data, response } = await openai.chat.completions
      .create({ model: 'chat', messages: [{ role: 'user', content: 'A very long document…' }] })
      .withResponse();
    expect(data.model).toBe('claude-sonnet-4-5');
    expect(response.headers.get('x-breakwater-fallback')).toBe('context');
    // A context-length 400 is never retried on the small model.
    expect(mock.stats().models['gpt-small']?.requests).toBe(1);
  });

  it('serves deterministic requests from the cache in always mode, and only those', async () => {
    const c = client({
      routes: { chat: { tiers: ['openai/gpt-4o'], policy: { cache: { mode: 'always' } } } },
    });
    const { openai } = sdks(c);
    const before = mock.stats().models['gpt-4o']?.requests ?? 0;
    const ask = {
      model: 'chat',
      temperature: 0,
      messages: [{ role: 'user' as const, content: 'Capital of France?' }],
    };
    const first = await openai.chat.completions.create(ask);
    const { data, response } = await openai.chat.completions.create(ask).withResponse();
    expect(data.choices[0]?.message.content).toBe(first.choices[0]?.message.content);
    expect(response.headers.get('x-breakwater-cache')).toBe('hit');
    expect(mock.stats().models['gpt-4o']?.requests).toBe(before + 1);
    // Not deterministic: always asks the provider.
    await openai.chat.completions.create({ ...ask, temperature: 0.7 });
    await openai.chat.completions.create({ ...ask, temperature: 0.7 });
    expect(mock.stats().models['gpt-4o']?.requests).toBe(before + 3);
  });

  it('falls back on a refusal when the route says so, and returns it when not', async () => {
    const c = client({
      routes: {
        strict: {
          tiers: ['openai/gpt-refuses', 'anthropic/claude-sonnet-4-5'],
          onRefusal: 'fallback',
        },
        plain: { tiers: ['openai/gpt-refuses', 'anthropic/claude-sonnet-4-5'] },
      },
    });
    const { openai } = sdks(c);
    const ask = (model: string) =>
      openai.chat.completions.create({ model, messages: [{ role: 'user', content: 'Hi' }] });
    const plain = await ask('plain');
    expect(plain.choices[0]?.finish_reason).toBe('content_filter');
    const strict = await ask('strict');
    expect(strict.model).toBe('claude-sonnet-4-5');
    expect(strict.choices[0]?.finish_reason).toBe('stop');
  });

  it('answers a malformed request with a 400 naming the field, on the library path too', async () => {
    const c = client({
      routes: { chat: { tiers: ['openai/gpt-4o', 'anthropic/claude-sonnet-4-5'] } },
    });
    const { anthropic, openai } = sdks(c);
    const nullSystem = await anthropic.messages
      .create({
        model: 'chat',
        max_tokens: 10,
        system: null as never,
        messages: [{ role: 'user', content: 'Hi' }],
      })
      .catch((e: unknown) => e);
    expect(nullSystem).toBeInstanceOf(Anthropic.BadRequestError);
    expect(String((nullSystem as Error).message)).toContain('system');
    const noContent = await openai.chat.completions
      .create({ model: 'chat', messages: [{ role: 'user' } as never] })
      .catch((e: unknown) => e);
    expect(noContent).toBeInstanceOf(OpenAI.BadRequestError);
    expect(String((noContent as Error).message)).toContain('messages.0.content');
  });
});
