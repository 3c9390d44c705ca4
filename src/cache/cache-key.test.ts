import { describe, expect, it } from 'vitest';
import type { MessageCreateRequest } from '../dialects/anthropic/types.ts';
import type { ChatCompletionRequest } from '../dialects/openai/types.ts';
import { cacheKey } from './cache-key.ts';

const tool = {
  type: 'function' as const,
  function: {
    name: 'get_weather',
    description: 'Weather for a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
};

const base: ChatCompletionRequest = {
  model: 'gpt-4o',
  messages: [
    { role: 'system', content: 'Be brief.' },
    { role: 'user', content: 'Weather in Paris?' },
  ],
  temperature: 0,
  max_tokens: 100,
  tools: [tool],
};

const key = (request: Record<string, unknown>) => cacheKey('openai', request);

describe('cacheKey', () => {
  it('is namespaced by version and tenant, around a SHA-256', () => {
    expect(key(base)).toMatch(/^cache:v1::[0-9a-f]{64}$/);
    expect(cacheKey('openai', base, { tenant: 'team:a' })).toMatch(
      /^cache:v1:team%3Aa:[0-9a-f]{64}$/,
    );
  });

  it('ignores key order at every depth', () => {
    const reordered = {
      tools: [
        {
          function: {
            parameters: {
              required: ['city'],
              properties: { city: { type: 'string' } },
              type: 'object',
            },
            description: 'Weather for a city',
            name: 'get_weather',
          },
          type: 'function',
        },
      ],
      max_tokens: 100,
      temperature: 0,
      messages: [
        { content: 'Be brief.', role: 'system' },
        { content: 'Weather in Paris?', role: 'user' },
      ],
      model: 'gpt-4o',
    };
    expect(key(reordered)).toBe(key(base));
  });

  it.each<[string, Record<string, unknown>]>([
    ['model', { model: 'gpt-4o-mini' }],
    ['temperature', { temperature: 0.2 }],
    ['top_p', { top_p: 0.5 }],
    ['max_tokens', { max_tokens: 101 }],
    ['max_completion_tokens', { max_completion_tokens: 100 }],
    ['stop', { stop: ['\n'] }],
    ['tool_choice', { tool_choice: 'required' }],
    ['response_format', { response_format: { type: 'json_object' } }],
    ['seed', { seed: 7 }],
    ['n', { n: 2 }],
    ['logprobs', { logprobs: true }],
    ['reasoning_effort', { reasoning_effort: 'high' }],
    ['parallel_tool_calls', { parallel_tool_calls: false }],
    ['presence_penalty', { presence_penalty: 1 }],
    ['logit_bias', { logit_bias: { '50256': -100 } }],
    ['an unknown new parameter', { verbosity: 'low' }],
    ['a vendor extension', { extra_body: { guided_json: {} } }],
    [
      'the system prompt',
      { messages: [{ role: 'system', content: 'Be long.' }, base.messages[1]] },
    ],
    ['the message order', { messages: [...base.messages].reverse() }],
    [
      'a tool description',
      { tools: [{ ...tool, function: { ...tool.function, description: 'x' } }] },
    ],
    [
      'a tool schema',
      {
        tools: [
          {
            ...tool,
            function: { ...tool.function, parameters: { type: 'object', properties: {} } },
          },
        ],
      },
    ],
  ])('changes with %s', (_name, change) => {
    expect(key({ ...base, ...change })).not.toBe(key(base));
  });

  it.each<[string, Record<string, unknown>]>([
    ['stream', { stream: true }],
    ['stream_options', { stream: true, stream_options: { include_usage: true } }],
    ['user', { user: 'user-123' }],
    ['safety_identifier', { safety_identifier: 'hash' }],
    ['prompt_cache_key', { prompt_cache_key: 'pk' }],
    ['store and metadata', { store: true, metadata: { run: '7' } }],
    ['a null parameter', { top_p: null, seed: null }],
    ['breakwater per-call options', { breakwater: { deadlineMs: 5000 } }],
  ])('does not change with %s', (_name, change) => {
    expect(key({ ...base, ...change })).toBe(key(base));
  });

  it('treats one bare text part as its string', () => {
    const parts = {
      ...base,
      messages: [
        { role: 'system', content: [{ type: 'text', text: 'Be brief.' }] },
        { role: 'user', content: [{ type: 'text', text: 'Weather in Paris?' }] },
      ],
    };
    expect(key(parts)).toBe(key(base));
    const two = {
      ...base,
      messages: [
        base.messages[0],
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Weather in ' },
            { type: 'text', text: 'Paris?' },
          ],
        },
      ],
    };
    expect(key(two)).not.toBe(key(base));
  });

  it('keeps tenants, namespaces and dialects apart', () => {
    const a = cacheKey('openai', base, { tenant: 'a' });
    expect(cacheKey('openai', base, { tenant: 'b' })).not.toBe(a);
    expect(cacheKey('openai', base, { tenant: 'a' })).toBe(a);
    expect(a.split(':')[3]).toBe(key(base).split(':')[3]);
    expect(cacheKey('openai', base, { namespace: 'rev-2' })).not.toBe(key(base));
    expect(cacheKey('anthropic', base)).not.toBe(key(base));
  });

  it('keys the route it is told to in place of the model', () => {
    expect(cacheKey('openai', { ...base, model: 'alias' }, { model: 'gpt-4o' })).toBe(key(base));
  });
});

describe('cacheKey for Anthropic', () => {
  const request: MessageCreateRequest = {
    model: 'claude-sonnet-4-5',
    max_tokens: 512,
    system: 'Be brief.',
    messages: [{ role: 'user', content: 'Weather in Paris?' }],
    temperature: 0,
  };
  const akey = (r: Record<string, unknown>) => cacheKey('anthropic', r);

  it.each<[string, Record<string, unknown>]>([
    ['thinking', { thinking: { type: 'enabled', budget_tokens: 1024 }, temperature: 1 }],
    ['top_k', { top_k: 5 }],
    ['stop_sequences', { stop_sequences: ['END'] }],
    ['max_tokens', { max_tokens: 513 }],
    ['tool_choice', { tool_choice: { type: 'any' } }],
    ['other metadata', { metadata: { tier: 'gold' } }],
    ['an unknown new parameter', { output_config: { effort: 'low' } }],
  ])('changes with %s', (_name, change) => {
    expect(akey({ ...request, ...change })).not.toBe(akey(request));
  });

  it('ignores stream, metadata.user_id and prompt-cache breakpoints', () => {
    const same = {
      ...request,
      stream: true,
      metadata: { user_id: 'u-1' },
      cache_control: { type: 'ephemeral' },
      system: [{ type: 'text', text: 'Be brief.', cache_control: { type: 'ephemeral' } }],
      messages: [
        {
          role: 'user',
          content: [
            {
              type: 'text',
              text: 'Weather in Paris?',
              cache_control: { type: 'ephemeral', ttl: '1h' },
            },
          ],
        },
      ],
    };
    expect(akey(same)).toBe(akey(request));
  });

  it('still keys a tool schema property that happens to be named cache_control', () => {
    const withTool = (properties: Record<string, unknown>) => ({
      ...request,
      tools: [{ name: 't', input_schema: { type: 'object', properties } }],
    });
    expect(akey(withTool({ cache_control: { type: 'string' } }))).not.toBe(akey(withTool({})));
  });
});
