/**
 * The official `openai` SDK against the simulator: clean answers (plain, streamed, tool calls),
 * then each injected fault must raise the class the real provider's answer would.
 */

import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type MockServer, type Scenario, startMock } from '../../src/mock/index.ts';

let mock: MockServer;
let client: OpenAI;
const messages = [{ role: 'user' as const, content: 'Hello there' }];
const tools = [
  {
    type: 'function' as const,
    function: {
      name: 'get_weather',
      parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
    },
  },
];

function only(fault: NonNullable<Scenario['default']>['faults']): Scenario {
  return { default: { faults: fault } };
}

beforeAll(async () => {
  mock = await startMock('scenarios/clean.yaml');
  client = new OpenAI({ baseURL: `${mock.url}/v1`, apiKey: 'test', maxRetries: 0 });
});
afterAll(() => mock.close());

describe('openai SDK, clean scenario', () => {
  beforeEach(() => mock.setScenario({}));

  it('gets a chat.completion with usage and a request id', async () => {
    const { data, response, request_id } = await client.chat.completions
      .create({ model: 'gpt-4o-mini', messages, max_completion_tokens: 200 })
      .withResponse();
    expect(data.object).toBe('chat.completion');
    expect(data.id).toMatch(/^chatcmpl-/);
    expect(data.choices[0]?.finish_reason).toBe('stop');
    expect(data.choices[0]?.message.content?.length).toBeGreaterThan(0);
    expect(data.usage?.prompt_tokens_details?.cached_tokens).toBe(0);
    expect(data.usage?.completion_tokens_details?.reasoning_tokens).toBe(0);
    expect(data.system_fingerprint).toMatch(/^fp_/);
    expect(request_id).toMatch(/^req_/);
    expect(response.headers.get('x-request-id')).toBe(request_id);
  });

  it('stops at max_tokens with finish_reason length', async () => {
    const data = await client.chat.completions.create({ model: 'gpt-4o', messages, max_tokens: 3 });
    expect(data.choices[0]?.finish_reason).toBe('length');
    expect(data.usage?.completion_tokens).toBe(3);
  });

  it('streams role, content, finish and a usage chunk before [DONE]', async () => {
    const stream = await client.chat.completions.create({
      model: 'gpt-4o',
      messages,
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks[0]?.choices[0]?.delta.role).toBe('assistant');
    expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe('stop');
    const last = chunks.at(-1)!;
    expect(last.choices).toEqual([]);
    expect(last.usage?.completion_tokens).toBe(chunks.length - 3);
    expect(new Set(chunks.map((c) => c.id)).size).toBe(1);
  });

  it('answers with a tool call, plain and streamed', async () => {
    const data = await client.chat.completions.create({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'Please call a tool for Paris' }],
      tools,
    });
    const call = data.choices[0]?.message.tool_calls?.[0];
    expect(data.choices[0]?.finish_reason).toBe('tool_calls');
    expect(call?.type === 'function' && call.function.name).toBe('get_weather');
    expect(call?.type === 'function' && JSON.parse(call.function.arguments)).toEqual({
      city: 'mock',
    });

    const runner = client.chat.completions.stream({
      model: 'gpt-4o',
      messages,
      tools,
      tool_choice: 'required',
    });
    const final = await runner.finalChatCompletion();
    const streamed = final.choices[0]?.message.tool_calls?.[0];
    expect(final.choices[0]?.finish_reason).toBe('tool_calls');
    expect(streamed?.type === 'function' && streamed.function.arguments).toBe('{"city":"mock"}');
  });

  it('answers in text once the conversation ends with the tool result', async () => {
    const data = await client.chat.completions.create({
      model: 'gpt-4o',
      tools,
      messages: [
        { role: 'user', content: 'call a tool' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'call_1', content: 'sunny' },
      ],
    });
    expect(data.choices[0]?.finish_reason).toBe('stop');
  });
});

describe('openai SDK, injected faults', () => {
  const cases: Array<[number, string]> = [
    [400, 'BadRequestError'],
    [401, 'AuthenticationError'],
    [403, 'PermissionDeniedError'],
    [404, 'NotFoundError'],
    [409, 'ConflictError'],
    [422, 'UnprocessableEntityError'],
    [429, 'RateLimitError'],
    [500, 'InternalServerError'],
    [502, 'InternalServerError'],
    [503, 'InternalServerError'],
    [504, 'InternalServerError'],
    [529, 'InternalServerError'],
  ];
  it.each(cases)('status %i raises %s', async (status, name) => {
    mock.setScenario(only([{ kind: 'status', status: status as 400, probability: 1 }]));
    const error = await client.chat.completions
      .create({ model: 'gpt-4o', messages })
      .catch((e) => e);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect(error.constructor.name).toBe(name);
    expect(error.status).toBe(status);
    expect(error.requestID).toMatch(/^req_/);
  });

  it('a 429 carries the retry-after the scenario set, or retry-after-ms, or none', async () => {
    mock.setScenario(only([{ kind: 'status', status: 429, probability: 1, retryAfterS: 1 }]));
    let error = await client.chat.completions.create({ model: 'gpt-4o', messages }).catch((e) => e);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect(error.headers.get('retry-after')).toBe('1');
    expect(error.code).toBe('rate_limit_exceeded');
    mock.setScenario(only([{ kind: 'status', status: 429, probability: 1, retryAfterMs: 250 }]));
    error = await client.chat.completions.create({ model: 'gpt-4o', messages }).catch((e) => e);
    expect(error.headers.get('retry-after-ms')).toBe('250');
    expect(error.headers.get('retry-after')).toBeNull();
  });

  it('insufficient_quota, slow_down and context_length variants keep the real codes', async () => {
    const variants = [
      [429, 'insufficient_quota', 'insufficient_quota'],
      [503, 'slow_down', 'slow_down'],
      [400, 'context_length', 'context_length_exceeded'],
    ] as const;
    for (const [status, variant, code] of variants) {
      mock.setScenario(only([{ kind: 'status', status, variant, probability: 1 }]));
      const error = await client.chat.completions
        .create({ model: 'gpt-4o', messages })
        .catch((e) => e);
      expect(error.status).toBe(status);
      expect(error.code).toBe(code);
    }
  });

  it('a reset raises APIConnectionError', async () => {
    mock.setScenario(only([{ kind: 'reset', probability: 1 }]));
    const error = await client.chat.completions
      .create({ model: 'gpt-4o', messages })
      .catch((e) => e);
    expect(error).toBeInstanceOf(OpenAI.APIConnectionError);
    expect(error).not.toBeInstanceOf(OpenAI.APIConnectionTimeoutError);
  });

  it('a hang raises APIConnectionTimeoutError with a short SDK timeout', async () => {
    mock.setScenario(only([{ kind: 'hang', probability: 1 }]));
    const error = await client.chat.completions
      .create({ model: 'gpt-4o', messages }, { timeout: 150 })
      .catch((e) => e);
    expect(error).toBeInstanceOf(OpenAI.APIConnectionTimeoutError);
    expect(mock.stats().models['gpt-4o']?.hang).toBeGreaterThan(0);
  });

  it('a mid-stream error frame is thrown while iterating', async () => {
    mock.setScenario(only([{ kind: 'midstream_error', probability: 1, afterChunks: 3 }]));
    const stream = await client.chat.completions.create({
      model: 'gpt-4o',
      messages,
      stream: true,
    });
    const seen: string[] = [];
    const error = await (async () => {
      for await (const chunk of stream) seen.push(chunk.choices[0]?.delta.content ?? '');
    })().catch((e) => e);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect(error.status).toBeUndefined();
    expect(error.type).toBe('server_error');
    expect(seen).toHaveLength(3);
  });

  it('a cut stream ends without [DONE] and without a finish_reason', async () => {
    mock.setScenario(only([{ kind: 'stream_cut', probability: 1, afterChunks: 4 }]));
    const stream = await client.chat.completions.create({
      model: 'gpt-4o',
      messages,
      stream: true,
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks).toHaveLength(4);
    expect(chunks.some((c) => c.choices[0]?.finish_reason)).toBe(false);
  });

  it('malformed JSON in a 200 body fails to parse', async () => {
    mock.setScenario(only([{ kind: 'malformed_json', probability: 1 }]));
    const error = await client.chat.completions
      .create({ model: 'gpt-4o', messages })
      .catch((e) => e);
    expect(error).toBeInstanceOf(Error);
  });

  it('x-should-retry is sent when the scenario sets it', async () => {
    mock.setScenario(only([{ kind: 'status', status: 503, probability: 1, shouldRetry: false }]));
    const error = await client.chat.completions
      .create({ model: 'gpt-4o', messages })
      .catch((e) => e);
    expect(error.headers.get('x-should-retry')).toBe('false');
  });
});
