/**
 * The official `@anthropic-ai/sdk` against the simulator: clean answers (plain, streamed, tool
 * use), count_tokens, then each injected fault must raise the class the real provider's answer
 * would, and a mid-stream `event: error` must be thrown while iterating.
 */

import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type MockServer, type Scenario, startMock } from '../../src/mock/index.ts';

/** A response body, inspected loosely. */
// biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary fields of provider bodies
type Body = any;
const json = async (r: Response | Promise<Response>): Promise<Body> => (await r).json();

let mock: MockServer;
let client: Anthropic;
const model = 'claude-sonnet-4-5';
const messages = [{ role: 'user' as const, content: 'Hello there' }];
const tools = [
  {
    name: 'get_weather',
    input_schema: {
      type: 'object' as const,
      properties: { city: { type: 'string' }, days: { type: 'integer' } },
      required: ['city', 'days'],
    },
  },
];

function only(faults: NonNullable<Scenario['default']>['faults']): Scenario {
  return { default: { faults } };
}

beforeAll(async () => {
  mock = await startMock('scenarios/clean.yaml');
  client = new Anthropic({ baseURL: mock.url, apiKey: 'test', maxRetries: 0 });
});
afterAll(() => mock.close());

describe('anthropic SDK, clean scenario', () => {
  beforeEach(() => mock.setScenario({}));

  it('gets a message with usage and a request id', async () => {
    const { data, request_id } = await client.messages
      .create({ model, messages, max_tokens: 500 })
      .withResponse();
    expect(data.type).toBe('message');
    expect(data.id).toMatch(/^msg_01/);
    expect(data.stop_reason).toBe('end_turn');
    expect(data.content[0]?.type).toBe('text');
    expect(data.usage.cache_read_input_tokens).toBe(0);
    expect(data.usage.output_tokens).toBeGreaterThan(0);
    expect(request_id).toMatch(/^req_011C/);
  });

  it('stops at max_tokens with stop_reason max_tokens', async () => {
    const data = await client.messages.create({ model, messages, max_tokens: 2 });
    expect(data.stop_reason).toBe('max_tokens');
    expect(data.usage.output_tokens).toBe(2);
  });

  it('streams every event type and assembles the final message', async () => {
    const stream = client.messages.stream({ model, messages, max_tokens: 500 });
    const types: string[] = [];
    stream.on('streamEvent', (event) => types.push(event.type));
    const final = await stream.finalMessage();
    expect(types[0]).toBe('message_start');
    expect(types).toContain('content_block_start');
    expect(types).toContain('content_block_delta');
    expect(types.slice(-3)).toEqual(['content_block_stop', 'message_delta', 'message_stop']);
    expect(final.stop_reason).toBe('end_turn');
    expect(final.content[0]?.type === 'text' && final.content[0].text.length).toBeGreaterThan(0);
    expect(final.usage.output_tokens).toBe(types.filter((t) => t === 'content_block_delta').length);
  });

  it('sends a ping frame with an event line', async () => {
    const response = await fetch(`${mock.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model, messages, max_tokens: 5, stream: true }),
    });
    const text = await response.text();
    expect(text).toContain('event: ping\ndata: {"type":"ping"}\n\n');
    for (const frame of text.trim().split('\n\n')) {
      const [eventLine, dataLine] = frame.split('\n');
      const type = JSON.parse(dataLine!.slice('data: '.length)).type;
      expect(eventLine).toBe(`event: ${type}`);
    }
  });

  it('answers with tool_use, plain and streamed', async () => {
    const data = await client.messages.create({
      model,
      max_tokens: 500,
      tools,
      messages: [{ role: 'user', content: 'call a tool for Paris' }],
    });
    expect(data.stop_reason).toBe('tool_use');
    const block = data.content[0];
    expect(block?.type === 'tool_use' && block.name).toBe('get_weather');
    expect(block?.type === 'tool_use' && block.input).toEqual({ city: 'mock', days: 1 });
    expect(block?.type === 'tool_use' && block.id).toMatch(/^toolu_01/);

    const final = await client.messages
      .stream({ model, max_tokens: 500, tools, messages, tool_choice: { type: 'any' } })
      .finalMessage();
    expect(final.stop_reason).toBe('tool_use');
    const streamed = final.content[0];
    expect(streamed?.type === 'tool_use' && streamed.input).toEqual({ city: 'mock', days: 1 });
  });

  it('counts tokens', async () => {
    const { input_tokens } = await client.messages.countTokens({ model, messages });
    expect(input_tokens).toBeGreaterThan(0);
  });

  it('rejects a body without max_tokens, naming the field', async () => {
    const response = await fetch(`${mock.url}/v1/messages`, {
      method: 'POST',
      body: JSON.stringify({ model, messages }),
    });
    const body = await json(response);
    expect(response.status).toBe(400);
    expect(body.error).toEqual({
      type: 'invalid_request_error',
      message: 'max_tokens: Field required',
    });
    expect(body.request_id).toBe(response.headers.get('request-id'));
  });
});

describe('anthropic SDK, injected faults', () => {
  const cases: Array<[number, string, string]> = [
    [400, 'BadRequestError', 'invalid_request_error'],
    [401, 'AuthenticationError', 'authentication_error'],
    [403, 'PermissionDeniedError', 'permission_error'],
    [404, 'NotFoundError', 'not_found_error'],
    [409, 'ConflictError', 'conflict_error'],
    [422, 'UnprocessableEntityError', 'invalid_request_error'],
    [429, 'RateLimitError', 'rate_limit_error'],
    [500, 'InternalServerError', 'api_error'],
    [502, 'InternalServerError', 'api_error'],
    [503, 'InternalServerError', 'api_error'],
    [504, 'InternalServerError', 'timeout_error'],
    [529, 'InternalServerError', 'overloaded_error'],
  ];
  it.each(cases)('status %i raises %s (%s)', async (status, name, type) => {
    mock.setScenario(only([{ kind: 'status', status: status as 400, probability: 1 }]));
    const error = await client.messages.create({ model, messages, max_tokens: 10 }).catch((e) => e);
    expect(error).toBeInstanceOf((Anthropic as unknown as Record<string, typeof Error>)[name]);
    expect(error.status).toBe(status);
    expect(error.type).toBe(type);
    expect(error.requestID).toBe(error.error.request_id);
  });

  it('a 429 carries the retry-after the scenario set; the spend cap has none', async () => {
    mock.setScenario(only([{ kind: 'status', status: 429, probability: 1, retryAfterS: 1 }]));
    let error = await client.messages.create({ model, messages, max_tokens: 10 }).catch((e) => e);
    expect(error).toBeInstanceOf(Anthropic.RateLimitError);
    expect(error.headers.get('retry-after')).toBe('1');
    mock.setScenario(only([{ kind: 'status', status: 429, probability: 1, variant: 'spend_cap' }]));
    error = await client.messages.create({ model, messages, max_tokens: 10 }).catch((e) => e);
    expect(error.headers.get('retry-after')).toBeNull();
    expect(error.error.error.details).toEqual({ error_code: 'enforced_spend_limit_reached' });
  });

  it('a cloudflare 413 is HTML, not the JSON envelope', async () => {
    mock.setScenario(
      only([{ kind: 'status', status: 413, probability: 1, variant: 'cloudflare' }]),
    );
    const error = await client.messages.create({ model, messages, max_tokens: 10 }).catch((e) => e);
    expect(error.status).toBe(413);
    expect(error.headers.get('content-type')).toBe('text/html');
    expect(error).toBeInstanceOf(Anthropic.APIError);
    expect(error.type).toBeFalsy();
  });

  it('a reset raises APIConnectionError', async () => {
    mock.setScenario(only([{ kind: 'reset', probability: 1 }]));
    const error = await client.messages.create({ model, messages, max_tokens: 10 }).catch((e) => e);
    expect(error).toBeInstanceOf(Anthropic.APIConnectionError);
  });

  it('a hang raises APIConnectionTimeoutError with a short SDK timeout', async () => {
    mock.setScenario(only([{ kind: 'hang', probability: 1 }]));
    const error = await client.messages
      .create({ model, messages, max_tokens: 10 }, { timeout: 150 })
      .catch((e) => e);
    expect(error).toBeInstanceOf(Anthropic.APIConnectionTimeoutError);
  });

  it('a mid-stream error event is thrown while iterating', async () => {
    mock.setScenario(only([{ kind: 'midstream_error', probability: 1, afterChunks: 4 }]));
    const stream = await client.messages.create({ model, messages, max_tokens: 100, stream: true });
    const types: string[] = [];
    const error = await (async () => {
      for await (const event of stream) types.push(event.type);
    })().catch((e) => e);
    expect(error).toBeInstanceOf(Anthropic.APIError);
    expect(error.type).toBe('overloaded_error');
    expect(types).toEqual(['message_start', 'content_block_start', 'content_block_delta']);
  });

  it('a cut stream ends without message_stop', async () => {
    mock.setScenario(only([{ kind: 'stream_cut', probability: 1, afterChunks: 5 }]));
    const stream = await client.messages.create({ model, messages, max_tokens: 100, stream: true });
    const types: string[] = [];
    for await (const event of stream) types.push(event.type);
    expect(types).not.toContain('message_stop');
    expect(types).toHaveLength(4); // five frames, one of them a ping the SDK skips
  });

  it('a stall mid-stream goes silent until the client gives up', async () => {
    mock.setScenario(only([{ kind: 'stall_midstream', probability: 1, afterChunks: 3 }]));
    const controller = new AbortController();
    const stream = await client.messages.create(
      { model, messages, max_tokens: 100, stream: true },
      { signal: controller.signal },
    );
    const types: string[] = [];
    const done = (async () => {
      for await (const event of stream) {
        types.push(event.type);
        if (types.length === 2) setTimeout(() => controller.abort(), 50);
      }
    })().catch((e) => e);
    await done; // the SDK ends the iteration quietly on the caller's abort
    expect(controller.signal.aborted).toBe(true);
    expect(types).toEqual(['message_start', 'content_block_start']);
  });
});
