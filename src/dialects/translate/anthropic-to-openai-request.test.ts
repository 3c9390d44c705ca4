import { describe, expect, it } from 'vitest';
import type { MessageCreateRequest, MessageParam } from '../anthropic/types.ts';
import { anthropicToOpenAIRequest } from './anthropic-to-openai-request.ts';

function translate(req: Partial<MessageCreateRequest>, systemRole?: 'system' | 'developer') {
  const full: MessageCreateRequest = { model: 'claude-x', max_tokens: 1024, messages: [], ...req };
  return anthropicToOpenAIRequest(full, { model: 'gpt-4o', ...(systemRole ? { systemRole } : {}) });
}

const weatherTool = {
  name: 'get_weather',
  description: 'Current weather',
  input_schema: { type: 'object' as const, properties: { city: { type: 'string' } } },
};

describe('anthropicToOpenAIRequest: system prompts and turns', () => {
  it('puts the system prompt in one leading system message', () => {
    const { request, warnings } = translate({
      system: 'Be terse.',
      messages: [
        { role: 'user', content: 'Hi' },
        { role: 'assistant', content: 'Hello' },
        { role: 'user', content: [{ type: 'text', text: 'Bye' }] },
      ],
    });
    expect(request).toEqual({
      model: 'gpt-4o',
      max_completion_tokens: 1024,
      messages: [
        { role: 'system', content: 'Be terse.' },
        { role: 'user', content: 'Hi' },
        { role: 'assistant', content: 'Hello' },
        { role: 'user', content: 'Bye' },
      ],
    });
    expect(warnings).toEqual([]);
  });

  it('joins system blocks with a blank line and can use the developer role', () => {
    const { request } = translate(
      {
        system: [
          { type: 'text', text: 'A', cache_control: { type: 'ephemeral' } },
          { type: 'text', text: 'B' },
        ],
        messages: [{ role: 'user', content: 'Hi' }],
      },
      'developer',
    );
    expect(request.messages[0]).toEqual({ role: 'developer', content: 'A\n\nB' });
  });

  it('keeps a mid-conversation system message in place', () => {
    const { request } = translate({
      messages: [
        { role: 'user', content: 'Hi' },
        { role: 'system', content: 'Now answer in French.' },
        { role: 'user', content: 'Bye' },
      ],
    });
    expect(request.messages.map((m) => m.role)).toEqual(['user', 'system', 'user']);
  });

  it('drops thinking from history quietly', () => {
    const { request, warnings } = translate({
      messages: [
        { role: 'user', content: 'Hi' },
        {
          role: 'assistant',
          content: [
            { type: 'thinking', thinking: 'hmm', signature: 'sig' },
            { type: 'redacted_thinking', data: 'xx' },
            { type: 'text', text: 'Hel' },
            { type: 'text', text: 'lo' },
          ],
        },
      ],
    });
    expect(request.messages[1]).toEqual({ role: 'assistant', content: 'Hello' });
    expect(warnings).toEqual([]);
  });
});

describe('anthropicToOpenAIRequest: tools', () => {
  it('maps definitions and drops server tools with a warning', () => {
    const { request, warnings } = translate({
      tools: [
        weatherTool,
        { type: 'web_search_20250305', name: 'web_search', input_schema: { type: 'object' } },
      ],
    });
    expect(request.tools).toEqual([
      {
        type: 'function',
        function: {
          name: 'get_weather',
          description: 'Current weather',
          parameters: { type: 'object', properties: { city: { type: 'string' } } },
        },
      },
    ]);
    expect(warnings.map((w) => w.field)).toEqual(['tools[1]']);
  });

  it.each([
    [{ type: 'auto' }, 'auto', undefined],
    [{ type: 'none' }, 'none', undefined],
    [{ type: 'any' }, 'required', undefined],
    [
      { type: 'tool', name: 'get_weather' },
      { type: 'function', function: { name: 'get_weather' } },
      undefined,
    ],
    [{ type: 'auto', disable_parallel_tool_use: true }, 'auto', false],
    [{ type: 'any', disable_parallel_tool_use: true }, 'required', false],
  ] as const)('maps tool_choice %j', (choice, toolChoice, parallel) => {
    const { request } = translate({ tools: [weatherTool], tool_choice: choice });
    expect(request.tool_choice).toEqual(toolChoice);
    expect(request.parallel_tool_calls).toBe(parallel);
  });

  it('turns tool_use into tool_calls and tool_result blocks into tool messages before the user text', () => {
    const messages: MessageParam[] = [
      { role: 'user', content: 'Weather in Paris and Rome?' },
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'Checking.' },
          { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } },
          { type: 'tool_use', id: 'toolu_2', name: 'get_weather', input: { city: 'Rome' } },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'toolu_1', content: '18C' },
          {
            type: 'tool_result',
            tool_use_id: 'toolu_2',
            content: [{ type: 'text', text: 'n/a' }],
            is_error: true,
          },
          { type: 'text', text: 'Which is warmer?' },
        ],
      },
    ];
    const { request, warnings } = translate({ tools: [weatherTool], messages });
    expect(request.messages).toEqual([
      { role: 'user', content: 'Weather in Paris and Rome?' },
      {
        role: 'assistant',
        content: 'Checking.',
        tool_calls: [
          {
            id: 'toolu_1',
            type: 'function',
            function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
          },
          {
            id: 'toolu_2',
            type: 'function',
            function: { name: 'get_weather', arguments: '{"city":"Rome"}' },
          },
        ],
      },
      { role: 'tool', tool_call_id: 'toolu_1', content: '18C' },
      { role: 'tool', tool_call_id: 'toolu_2', content: 'Error: n/a' },
      { role: 'user', content: 'Which is warmer?' },
    ]);
    expect(warnings).toEqual([]);
  });

  it('gives an assistant turn of only tool calls null content, and moves tool-result images to the user', () => {
    const { request } = translate({
      messages: [
        { role: 'assistant', content: [{ type: 'tool_use', id: 't', name: 'shot', input: {} }] },
        {
          role: 'user',
          content: [
            {
              type: 'tool_result',
              tool_use_id: 't',
              content: [
                { type: 'text', text: 'screenshot:' },
                {
                  type: 'image',
                  source: { type: 'base64', media_type: 'image/png', data: 'AAAA' },
                },
              ],
            },
          ],
        },
      ],
    });
    expect(request.messages).toEqual([
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 't', type: 'function', function: { name: 'shot', arguments: '{}' } }],
      },
      { role: 'tool', tool_call_id: 't', content: 'screenshot:' },
      {
        role: 'user',
        content: [{ type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } }],
      },
    ]);
  });
});

describe('anthropicToOpenAIRequest: images and documents', () => {
  it('maps base64 sources to data: URLs and url sources to URLs; file sources warn', () => {
    const { request, warnings } = translate({
      messages: [
        {
          role: 'user',
          content: [
            { type: 'image', source: { type: 'base64', media_type: 'image/jpeg', data: '/9j/' } },
            { type: 'image', source: { type: 'url', url: 'https://example.com/a.png' } },
            { type: 'image', source: { type: 'file', file_id: 'file_1' } },
            {
              type: 'document',
              source: { type: 'base64', media_type: 'application/pdf', data: 'JVBERi0=' },
            },
            { type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'plain' } },
          ],
        },
      ],
    });
    expect(request.messages[0]).toEqual({
      role: 'user',
      content: [
        { type: 'image_url', image_url: { url: 'data:image/jpeg;base64,/9j/' } },
        { type: 'image_url', image_url: { url: 'https://example.com/a.png' } },
        {
          type: 'file',
          file: { file_data: 'data:application/pdf;base64,JVBERi0=', filename: 'document.pdf' },
        },
        { type: 'text', text: 'plain' },
      ],
    });
    expect(warnings.map((w) => w.field)).toEqual(['messages[0].content[2]']);
  });
});

describe('anthropicToOpenAIRequest: parameters', () => {
  it('maps sampling, stop sequences, user and max_tokens', () => {
    const { request, warnings } = translate({
      temperature: 0.4,
      top_p: 0.8,
      stop_sequences: ['END'],
      metadata: { user_id: 'u-1' },
    });
    expect(request).toMatchObject({
      temperature: 0.4,
      top_p: 0.8,
      stop: ['END'],
      user: 'u-1',
      max_completion_tokens: 1024,
    });
    expect(warnings).toEqual([]);
  });

  it('keeps at most 4 stop sequences, with a warning', () => {
    const { request, warnings } = translate({ stop_sequences: ['a', 'b', 'c', 'd', 'e'] });
    expect(request.stop).toEqual(['a', 'b', 'c', 'd']);
    expect(warnings.map((w) => w.field)).toEqual(['stop_sequences']);
  });

  it('asks for usage when streaming, as an Anthropic stream always reports it', () => {
    const { request } = translate({ stream: true });
    expect(request.stream).toBe(true);
    expect(request.stream_options).toEqual({ include_usage: true });
  });

  it('warns about top_k, thinking and unknown fields, not about billing-only ones', () => {
    const { warnings } = translate({
      top_k: 5,
      thinking: { type: 'enabled', budget_tokens: 2000 },
      service_tier: 'auto',
      mystery: true,
    });
    expect(warnings.map((w) => w.field)).toEqual(['top_k', 'thinking', 'mystery']);
    expect(translate({ thinking: { type: 'disabled' } }).warnings).toEqual([]);
  });
});
