import { describe, expect, it } from 'vitest';
import { parseRequest } from './request-parse.ts';

const user = [{ role: 'user', content: 'Hello' }];

describe('parseRequest, OpenAI', () => {
  it('reads model, stream, usage option, max tokens and tools', () => {
    const result = parseRequest('openai', 'chat', {
      model: 'gpt-4o',
      messages: user,
      stream: true,
      stream_options: { include_usage: true },
      max_tokens: 50,
      max_completion_tokens: 20,
      tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object' } } }],
      tool_choice: { type: 'function', function: { name: 'f' } },
    });
    expect(result.ok && result.request).toMatchObject({
      model: 'gpt-4o',
      stream: true,
      includeUsage: true,
      maxTokens: 20,
      tools: [{ name: 'f' }],
      toolChoice: { mode: 'named', name: 'f' },
      lastUserText: 'Hello',
      endsWithToolResult: false,
    });
  });

  it.each([
    [{ messages: user }, 'you must provide a model parameter', null],
    [{ model: 'm' }, "Missing required parameter: 'messages'.", 'missing_required_parameter'],
    [{ model: 'm', messages: [] }, expect.stringContaining('empty array'), 'empty_array'],
    [
      { model: 'm', messages: user, max_tokens: 0 },
      expect.stringContaining('below minimum'),
      'integer_below_min_value',
    ],
  ])('refuses %j', (body, message, code) => {
    expect(parseRequest('openai', 'chat', body)).toMatchObject({ ok: false, message, code });
  });
});

describe('parseRequest, Anthropic', () => {
  it('needs max_tokens on messages but not on count_tokens', () => {
    expect(parseRequest('anthropic', 'messages', { model: 'c', messages: user })).toMatchObject({
      ok: false,
      message: 'max_tokens: Field required',
      param: 'max_tokens',
    });
    expect(parseRequest('anthropic', 'count_tokens', { model: 'c', messages: user }).ok).toBe(true);
    expect(
      parseRequest('anthropic', 'messages', { model: 'c', messages: user, max_tokens: 0 }).ok,
    ).toBe(true);
  });

  it('reads tool choice and a trailing tool result', () => {
    const result = parseRequest('anthropic', 'messages', {
      model: 'c',
      max_tokens: 10,
      tools: [{ name: 'lookup', input_schema: { type: 'object' } }],
      tool_choice: { type: 'any' },
      messages: [
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'x' }] },
      ],
    });
    expect(result.ok && result.request).toMatchObject({
      toolChoice: { mode: 'any' },
      tools: [{ name: 'lookup' }],
      endsWithToolResult: true,
      stream: false,
    });
  });
});
