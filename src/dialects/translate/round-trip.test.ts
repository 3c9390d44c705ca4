/** Requests that go to the other dialect and back must come back as they left. */
import { describe, expect, it } from 'vitest';
import type { MessageCreateRequest } from '../anthropic/types.ts';
import type { ChatCompletionRequest } from '../openai/types.ts';
import { anthropicToOpenAIRequest } from './anthropic-to-openai-request.ts';
import { openaiToAnthropicRequest } from './openai-to-anthropic-request.ts';

describe('request round trips', () => {
  it('OpenAI → Anthropic → OpenAI keeps a tool-using, multimodal conversation', () => {
    const original: ChatCompletionRequest = {
      model: 'gpt-4o',
      messages: [
        { role: 'system', content: 'Be terse.' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Where is this?' },
            { type: 'image_url', image_url: { url: 'data:image/webp;base64,UklGRg==' } },
            { type: 'image_url', image_url: { url: 'https://example.com/b.gif' } },
          ],
        },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            {
              id: 'call_a',
              type: 'function',
              function: { name: 'geo', arguments: '{"q":"eiffel"}' },
            },
            {
              id: 'call_b',
              type: 'function',
              function: { name: 'geo', arguments: '{"q": broken' },
            },
          ],
        },
        { role: 'tool', tool_call_id: 'call_a', content: 'Paris' },
        {
          role: 'tool',
          tool_call_id: 'call_b',
          content: [
            { type: 'text', text: 'bad ' },
            { type: 'text', text: 'arguments' },
          ],
        },
        { role: 'assistant', content: 'Paris.' },
        { role: 'user', content: 'Thanks' },
      ],
      tools: [
        {
          type: 'function',
          function: { name: 'geo', description: 'Locate', parameters: { type: 'object' } },
        },
      ],
      tool_choice: { type: 'function', function: { name: 'geo' } },
      parallel_tool_calls: false,
      stop: ['END'],
      temperature: 0.3,
      top_p: 0.5,
      max_completion_tokens: 300,
      user: 'u-7',
    };
    const there = openaiToAnthropicRequest(original, { model: 'claude-x', defaultMaxTokens: 1000 });
    const back = anthropicToOpenAIRequest(there.request, { model: 'gpt-4o' });
    expect(there.warnings).toEqual([]);
    expect(back.warnings).toEqual([]);
    expect(back.request).toEqual(original);
  });

  it('Anthropic → OpenAI → Anthropic keeps a tool-using, multimodal conversation', () => {
    const original: MessageCreateRequest = {
      model: 'claude-x',
      max_tokens: 512,
      system: 'You help.',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Read these' },
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBOR' } },
            { type: 'image', source: { type: 'url', url: 'https://example.com/c.jpg' } },
          ],
        },
        {
          role: 'assistant',
          content: [
            { type: 'text', text: 'One moment.' },
            { type: 'tool_use', id: 'toolu_1', name: 'ocr', input: { page: 1, lang: ['en'] } },
            { type: 'tool_use', id: 'toolu_2', name: 'ocr', input: {} },
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'toolu_1', content: 'hello' },
            { type: 'tool_result', tool_use_id: 'toolu_2', content: 'world' },
            { type: 'text', text: 'Summarise' },
          ],
        },
      ],
      tools: [
        { name: 'ocr', description: 'Read', input_schema: { type: 'object', properties: {} } },
      ],
      tool_choice: { type: 'any', disable_parallel_tool_use: true },
      stop_sequences: ['###'],
      temperature: 0.2,
      top_p: 0.9,
      metadata: { user_id: 'u-9' },
      stream: true,
    };
    const there = anthropicToOpenAIRequest(original, { model: 'gpt-4o' });
    const back = openaiToAnthropicRequest(there.request, {
      model: 'claude-x',
      defaultMaxTokens: 1,
    });
    expect(there.warnings).toEqual([]);
    expect(back.warnings).toEqual([]);
    expect(back.request).toEqual(original);
  });
});
