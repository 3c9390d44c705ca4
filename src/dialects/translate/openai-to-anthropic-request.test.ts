import { describe, expect, it } from 'vitest';
import { isBreakwaterError } from '../../errors/index.ts';
import type { ChatCompletionRequest, ChatMessage } from '../openai/types.ts';
import { openaiToAnthropicRequest } from './openai-to-anthropic-request.ts';
import { RAW_ARGUMENTS_KEY } from './tool-arguments.ts';

const OPTIONS = { model: 'claude-sonnet-5', defaultMaxTokens: 4096 };

function translate(req: Partial<ChatCompletionRequest>) {
  return openaiToAnthropicRequest({ model: 'gpt-4o', messages: [], ...req }, OPTIONS);
}

const weatherTool = {
  type: 'function' as const,
  function: {
    name: 'get_weather',
    description: 'Current weather',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
};

describe('openaiToAnthropicRequest: system prompts and turns', () => {
  it('lifts system and developer messages into the top-level system, joined by a blank line', () => {
    const { request, warnings } = translate({
      messages: [
        { role: 'system', content: 'You are terse.' },
        { role: 'developer', content: [{ type: 'text', text: 'Answer in French.' }] },
        { role: 'user', content: 'Hi' },
      ],
    });
    expect(request.system).toBe('You are terse.\n\nAnswer in French.');
    expect(request.messages).toEqual([{ role: 'user', content: 'Hi' }]);
    expect(warnings).toEqual([]);
  });

  it('moves a mid-conversation system message up, and says so', () => {
    const { request, warnings } = translate({
      messages: [
        { role: 'system', content: 'A' },
        { role: 'user', content: 'Hi' },
        { role: 'assistant', content: 'Hello' },
        { role: 'system', content: 'B' },
        { role: 'user', content: 'Bye' },
      ],
    });
    expect(request.system).toBe('A\n\nB');
    expect(request.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
    expect(warnings).toEqual([{ field: 'messages[3]', reason: expect.stringContaining('moved') }]);
  });

  it('keeps a multi-turn conversation in order, with model and max_tokens set', () => {
    const messages: ChatMessage[] = [
      { role: 'user', content: 'One' },
      { role: 'assistant', content: 'Two' },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Three' },
          { type: 'text', text: 'Four' },
        ],
      },
    ];
    const { request } = translate({ messages });
    expect(request).toEqual({
      model: 'claude-sonnet-5',
      max_tokens: 4096,
      messages: [
        { role: 'user', content: 'One' },
        { role: 'assistant', content: 'Two' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Three' },
            { type: 'text', text: 'Four' },
          ],
        },
      ],
    });
  });

  it('drops empty text and messages left empty, which Anthropic rejects', () => {
    const { request } = translate({
      messages: [
        { role: 'user', content: '' },
        {
          role: 'user',
          content: [
            { type: 'text', text: '' },
            { type: 'text', text: 'x' },
          ],
        },
        { role: 'assistant', content: '' },
      ],
    });
    expect(request.messages).toEqual([{ role: 'user', content: 'x' }]);
  });

  it('warns about participant names and the legacy function role', () => {
    const { warnings } = translate({
      messages: [
        { role: 'user', content: 'Hi', name: 'alice' },
        { role: 'function', name: 'f', content: '1' },
      ],
    });
    expect(warnings.map((w) => w.field)).toEqual(['messages[0].name', 'messages[1]']);
  });
});

describe('openaiToAnthropicRequest: tools', () => {
  it('maps definitions, with an empty object schema for a function without parameters', () => {
    const { request } = translate({
      tools: [weatherTool, { type: 'function', function: { name: 'now' } }],
    });
    expect(request.tools).toEqual([
      {
        name: 'get_weather',
        description: 'Current weather',
        input_schema: {
          type: 'object',
          properties: { city: { type: 'string' } },
          required: ['city'],
        },
      },
      { name: 'now', input_schema: { type: 'object', properties: {} } },
    ]);
    expect(request.tool_choice).toBeUndefined();
  });

  it.each([
    ['auto', { type: 'auto' }],
    ['none', { type: 'none' }],
    ['required', { type: 'any' }],
    [
      { type: 'function', function: { name: 'get_weather' } },
      { type: 'tool', name: 'get_weather' },
    ],
  ] as const)('maps tool_choice %j', (choice, expected) => {
    const { request } = translate({ tools: [weatherTool], tool_choice: choice });
    expect(request.tool_choice).toEqual(expected);
    expect(request.tools).toHaveLength(1);
  });

  it('reads tool_choice: null as not set, and names the field of a function choice without a name', () => {
    const { request } = translate({
      tools: [weatherTool],
      tool_choice: null as unknown as ChatCompletionRequest['tool_choice'],
    });
    expect(request.tool_choice).toBeUndefined();
    expect(request.tools).toHaveLength(1);
    let refusal: unknown;
    try {
      translate({
        tools: [weatherTool],
        tool_choice: { type: 'function' } as unknown as ChatCompletionRequest['tool_choice'],
      });
    } catch (err) {
      refusal = err;
    }
    expect(isBreakwaterError(refusal)).toBe(true);
    expect(refusal).toMatchObject({ code: 'validation', param: 'tool_choice.function.name' });
  });

  it('turns parallel_tool_calls: false into disable_parallel_tool_use', () => {
    expect(
      translate({ tools: [weatherTool], parallel_tool_calls: false }).request.tool_choice,
    ).toEqual({
      type: 'auto',
      disable_parallel_tool_use: true,
    });
    const named = translate({
      tools: [weatherTool],
      tool_choice: 'required',
      parallel_tool_calls: false,
    });
    expect(named.request.tool_choice).toEqual({ type: 'any', disable_parallel_tool_use: true });
    expect(
      translate({ tools: [weatherTool], parallel_tool_calls: true }).request.tool_choice,
    ).toBeUndefined();
  });

  it('narrows the tools to allowed_tools', () => {
    const { request } = translate({
      tools: [weatherTool, { type: 'function', function: { name: 'now' } }],
      tool_choice: {
        type: 'allowed_tools',
        allowed_tools: {
          mode: 'required',
          tools: [{ type: 'function', function: { name: 'now' } }],
        },
      },
    });
    expect(request.tools?.map((t) => t.name)).toEqual(['now']);
    expect(request.tool_choice).toEqual({ type: 'any' });
  });

  it('warns about strict schemas and custom tools', () => {
    const { request, warnings } = translate({
      tools: [
        { ...weatherTool, function: { ...weatherTool.function, strict: true } },
        { type: 'custom', custom: { name: 'sql' } },
      ],
    });
    expect(request.tools).toHaveLength(1);
    expect(warnings.map((w) => w.field)).toEqual(['tools[0].function.strict', 'tools[1]']);
  });
});

describe('openaiToAnthropicRequest: tool calls and results', () => {
  const conversation: ChatMessage[] = [
    { role: 'user', content: 'Weather in Paris and Rome?' },
    {
      role: 'assistant',
      content: null,
      tool_calls: [
        {
          id: 'call_1',
          type: 'function',
          function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
        },
        {
          id: 'call_2',
          type: 'function',
          function: { name: 'get_weather', arguments: '{"city":"Rome"}' },
        },
      ],
    },
    { role: 'tool', tool_call_id: 'call_1', content: '18C' },
    { role: 'tool', tool_call_id: 'call_2', content: [{ type: 'text', text: '24C' }] },
    { role: 'user', content: 'Thanks. Which is warmer?' },
  ];

  it('turns parallel tool calls into tool_use blocks and merges consecutive results into ONE user turn', () => {
    const { request, warnings } = translate({ tools: [weatherTool], messages: conversation });
    expect(request.messages).toEqual([
      { role: 'user', content: 'Weather in Paris and Rome?' },
      {
        role: 'assistant',
        content: [
          { type: 'tool_use', id: 'call_1', name: 'get_weather', input: { city: 'Paris' } },
          { type: 'tool_use', id: 'call_2', name: 'get_weather', input: { city: 'Rome' } },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'call_1', content: '18C' },
          { type: 'tool_result', tool_use_id: 'call_2', content: [{ type: 'text', text: '24C' }] },
          { type: 'text', text: 'Thanks. Which is warmer?' },
        ],
      },
    ]);
    expect(warnings).toEqual([]);
  });

  it('keeps assistant text before its tool calls', () => {
    const { request } = translate({
      messages: [
        {
          role: 'assistant',
          content: 'Let me check.',
          tool_calls: [{ id: 'c', type: 'function', function: { name: 'now', arguments: '' } }],
        },
      ],
    });
    expect(request.messages[0]?.content).toEqual([
      { type: 'text', text: 'Let me check.' },
      { type: 'tool_use', id: 'c', name: 'now', input: {} },
    ]);
  });

  it('wraps arguments that are not a JSON object instead of losing them', () => {
    const { request } = translate({
      messages: [
        {
          role: 'assistant',
          tool_calls: [
            { id: 'a', type: 'function', function: { name: 'f', arguments: '{"city": "Par' } },
            { id: 'b', type: 'function', function: { name: 'f', arguments: '[1,2]' } },
          ],
        },
      ],
    });
    expect(request.messages[0]?.content).toEqual([
      { type: 'tool_use', id: 'a', name: 'f', input: { [RAW_ARGUMENTS_KEY]: '{"city": "Par' } },
      { type: 'tool_use', id: 'b', name: 'f', input: { [RAW_ARGUMENTS_KEY]: '[1,2]' } },
    ]);
  });
});

describe('openaiToAnthropicRequest: images and files', () => {
  it('maps a base64 data: URL to a base64 source and an http URL to a url source', () => {
    const { request, warnings } = translate({
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Compare' },
            {
              type: 'image_url',
              image_url: { url: 'data:image/png;base64,iVBORw0KGgo=', detail: 'high' },
            },
            { type: 'image_url', image_url: { url: 'https://example.com/cat.jpg' } },
          ],
        },
      ],
    });
    expect(request.messages[0]?.content).toEqual([
      { type: 'text', text: 'Compare' },
      { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
      { type: 'image', source: { type: 'url', url: 'https://example.com/cat.jpg' } },
    ]);
    expect(warnings).toEqual([]);
  });

  it('warns about images Anthropic cannot take, audio and file ids', () => {
    const { request, warnings } = translate({
      messages: [
        {
          role: 'user',
          content: [
            { type: 'image_url', image_url: { url: 'data:image/svg+xml;base64,PHN2Zz4=' } },
            { type: 'image_url', image_url: { url: 'data:image/png,raw' } },
            { type: 'input_audio', input_audio: { data: 'AAA', format: 'wav' } },
            { type: 'file', file: { file_id: 'file-1' } },
            { type: 'text', text: 'what is this?' },
          ],
        },
      ],
    });
    expect(request.messages).toEqual([{ role: 'user', content: 'what is this?' }]);
    expect(warnings.map((w) => w.field)).toEqual([
      'messages[0].content[0]',
      'messages[0].content[1]',
      'messages[0].content[2]',
      'messages[0].content[3]',
    ]);
  });

  it('maps a base64 PDF file to a document', () => {
    const { request } = translate({
      messages: [
        {
          role: 'user',
          content: [
            {
              type: 'file',
              file: { file_data: 'data:application/pdf;base64,JVBERi0=', filename: 'a.pdf' },
            },
          ],
        },
      ],
    });
    expect(request.messages[0]?.content).toEqual([
      {
        type: 'document',
        source: { type: 'base64', media_type: 'application/pdf', data: 'JVBERi0=' },
        title: 'a.pdf',
      },
    ]);
  });
});

describe('openaiToAnthropicRequest: parameters', () => {
  it('maps stop as a string or an array, dropping whitespace-only sequences with a warning', () => {
    expect(translate({ stop: 'END' }).request.stop_sequences).toEqual(['END']);
    expect(translate({ stop: ['a', 'b'] }).request.stop_sequences).toEqual(['a', 'b']);
    const ws = translate({ stop: ['\n', 'END'] });
    expect(ws.request.stop_sequences).toEqual(['END']);
    expect(ws.warnings).toEqual([{ field: 'stop', reason: expect.stringContaining('whitespace') }]);
    expect(translate({ stop: null }).request.stop_sequences).toBeUndefined();
  });

  it('clamps temperature to Anthropic 0–1 with a warning, and passes top_p', () => {
    const hot = translate({ temperature: 1.6, top_p: 0.9 });
    expect(hot.request.temperature).toBe(1);
    expect(hot.request.top_p).toBe(0.9);
    expect(hot.warnings).toEqual([
      { field: 'temperature', reason: expect.stringContaining('clamped to 1') },
    ]);
    const mild = translate({ temperature: 0.7 });
    expect(mild.request.temperature).toBe(0.7);
    expect(mild.warnings).toEqual([]);
  });

  it('takes max_completion_tokens, then max_tokens, then the default', () => {
    expect(translate({ max_completion_tokens: 100, max_tokens: 50 }).request.max_tokens).toBe(100);
    expect(translate({ max_tokens: 50 }).request.max_tokens).toBe(50);
    expect(translate({ max_tokens: null }).request.max_tokens).toBe(4096);
    expect(() =>
      openaiToAnthropicRequest({ model: 'm', messages: [] }, { model: 'c', defaultMaxTokens: 0 }),
    ).toThrow(/defaultMaxTokens/);
  });

  it('maps user to metadata.user_id, and stream', () => {
    const { request, warnings } = translate({
      user: 'u-42',
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(request.metadata).toEqual({ user_id: 'u-42' });
    expect(request.stream).toBe(true);
    expect(warnings).toEqual([]);
  });

  it('rejects n > 1 with a validation error naming n', () => {
    let caught: unknown;
    try {
      translate({ n: 2 });
    } catch (error) {
      caught = error;
    }
    expect(isBreakwaterError(caught)).toBe(true);
    expect(caught).toMatchObject({ code: 'validation', param: 'n', status: 400 });
    expect(translate({ n: 1 }).warnings).toEqual([]);
  });

  it('warns about every parameter that would change the answer, and only those', () => {
    const { request, warnings } = translate({
      seed: 7,
      logprobs: true,
      top_logprobs: 3,
      presence_penalty: 0.5,
      frequency_penalty: 0,
      logit_bias: {},
      response_format: { type: 'json_schema', json_schema: { name: 'x', schema: {} } },
      reasoning_effort: 'high',
      store: true,
      metadata: { a: 'b' },
      service_tier: 'flex',
      brand_new_param: 1,
    });
    expect(warnings.map((w) => w.field)).toEqual([
      'seed',
      'logprobs',
      'top_logprobs',
      'presence_penalty',
      'response_format',
      'reasoning_effort',
      'brand_new_param',
    ]);
    expect(Object.keys(request)).toEqual(['model', 'max_tokens', 'messages']);
    expect(translate({ response_format: { type: 'text' }, logprobs: false }).warnings).toEqual([]);
  });
});
