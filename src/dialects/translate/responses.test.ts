import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/clock.ts';
import type { AnthropicMessage, StopReason } from '../anthropic/types.ts';
import type { ChatCompletion, ChatFinishReason } from '../openai/types.ts';
import { anthropicToOpenAIResponse } from './anthropic-to-openai-response.ts';
import { openAIToAnthropicResponse } from './openai-to-anthropic-response.ts';
import { toFinishReason, toStopReason } from './stop-reason.ts';
import { RAW_ARGUMENTS_KEY } from './tool-arguments.ts';

const clock = { now: () => 1_700_000_000_500 };

const claudeAnswer: AnthropicMessage = {
  id: 'msg_014p7gG3wDgGV9EUtLvnow3U',
  type: 'message',
  role: 'assistant',
  model: 'claude-opus-5',
  content: [
    { type: 'thinking', thinking: 'The user wants weather.', signature: 'sig' },
    { type: 'text', text: 'Okay, ', citations: null },
    { type: 'text', text: 'checking.' },
    {
      type: 'tool_use',
      id: 'toolu_01T1x1fJ34qAmk2tNTrN7Up6',
      name: 'get_weather',
      input: { location: 'SF' },
    },
  ],
  stop_reason: 'tool_use',
  stop_sequence: null,
  usage: {
    input_tokens: 472,
    output_tokens: 89,
    cache_read_input_tokens: 1000,
    cache_creation_input_tokens: 28,
  },
};

describe('anthropicToOpenAIResponse', () => {
  it('builds a ChatCompletion: text joined, thinking dropped, tool calls, usage with cache', () => {
    expect(anthropicToOpenAIResponse(claudeAnswer, { model: 'my-route', clock })).toEqual({
      id: 'chatcmpl-014p7gG3wDgGV9EUtLvnow3U',
      object: 'chat.completion',
      created: 1_700_000_000,
      model: 'my-route',
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: 'Okay, checking.',
            refusal: null,
            tool_calls: [
              {
                id: 'toolu_01T1x1fJ34qAmk2tNTrN7Up6',
                type: 'function',
                function: { name: 'get_weather', arguments: '{"location":"SF"}' },
              },
            ],
          },
          logprobs: null,
          finish_reason: 'tool_calls',
        },
      ],
      usage: {
        prompt_tokens: 1500,
        completion_tokens: 89,
        total_tokens: 1589,
        prompt_tokens_details: { cached_tokens: 1000 },
        completion_tokens_details: { reasoning_tokens: 0 },
      },
      system_fingerprint: null,
    });
  });

  it('gives null content to an answer of only tool calls, and "" to an empty answer', () => {
    const toolsOnly = { ...claudeAnswer, content: claudeAnswer.content.slice(3) };
    expect(anthropicToOpenAIResponse(toolsOnly, { clock }).choices[0]?.message.content).toBeNull();
    const empty = { ...claudeAnswer, content: [], stop_reason: 'max_tokens' as const };
    const completion = anthropicToOpenAIResponse(empty, { clock });
    expect(completion.choices[0]?.message.content).toBe('');
    expect(completion.choices[0]?.finish_reason).toBe('length');
    expect(completion.model).toBe('claude-opus-5');
  });

  it('reads the time from the injected clock', () => {
    const manual = new ManualClock(5_000_000);
    expect(anthropicToOpenAIResponse(claudeAnswer, { clock: manual }).created).toBe(5000);
  });
});

const gptAnswer: ChatCompletion = {
  id: 'chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT',
  object: 'chat.completion',
  created: 1_694_268_190,
  model: 'gpt-4o-2024-08-06',
  choices: [
    {
      index: 0,
      message: {
        role: 'assistant',
        content: 'Let me look.',
        refusal: null,
        tool_calls: [
          { id: 'call_1', type: 'function', function: { name: 'lookup', arguments: '{"q":"x"}' } },
          { id: 'call_2', type: 'function', function: { name: 'lookup', arguments: '{"q":' } },
        ],
      },
      logprobs: null,
      finish_reason: 'tool_calls',
    },
  ],
  usage: {
    prompt_tokens: 2006,
    completion_tokens: 300,
    total_tokens: 2306,
    prompt_tokens_details: { cached_tokens: 1920 },
    completion_tokens_details: { reasoning_tokens: 192 },
  },
};

describe('openAIToAnthropicResponse', () => {
  it('builds a Message: text, tool_use with parsed (or wrapped) input, cached usage', () => {
    expect(openAIToAnthropicResponse(gptAnswer)).toEqual({
      id: 'msg_B9MBs8CjcvOU2jLn4n570S5qMJKcT',
      type: 'message',
      role: 'assistant',
      model: 'gpt-4o-2024-08-06',
      content: [
        { type: 'text', text: 'Let me look.' },
        { type: 'tool_use', id: 'call_1', name: 'lookup', input: { q: 'x' } },
        { type: 'tool_use', id: 'call_2', name: 'lookup', input: { [RAW_ARGUMENTS_KEY]: '{"q":' } },
      ],
      stop_reason: 'tool_use',
      stop_sequence: null,
      usage: {
        input_tokens: 86,
        output_tokens: 300,
        cache_read_input_tokens: 1920,
        cache_creation_input_tokens: 0,
      },
    });
  });

  it('turns a refusal into text with stop_reason refusal, and tolerates missing usage', () => {
    const refusal: ChatCompletion = {
      ...gptAnswer,
      usage: undefined,
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: null, refusal: "I can't help with that." },
          finish_reason: 'stop',
        },
      ],
    };
    const message = openAIToAnthropicResponse(refusal, { model: 'route' });
    expect(message.content).toEqual([{ type: 'text', text: "I can't help with that." }]);
    expect(message.stop_reason).toBe('refusal');
    expect(message.model).toBe('route');
    expect(message.usage).toEqual({
      input_tokens: 0,
      output_tokens: 0,
      cache_read_input_tokens: 0,
      cache_creation_input_tokens: 0,
    });
  });

  it('throws malformed_response for a completion without choices', () => {
    expect(() => openAIToAnthropicResponse({ ...gptAnswer, choices: [] })).toThrow(
      expect.objectContaining({ code: 'malformed_response' }),
    );
  });

  it('round-trips with anthropicToOpenAIResponse (ids, tool arguments, usage)', () => {
    const back = anthropicToOpenAIResponse(openAIToAnthropicResponse(gptAnswer), {
      clock: { now: () => gptAnswer.created * 1000 },
    });
    expect(back.id).toBe(gptAnswer.id);
    expect(back.choices[0]?.message.tool_calls).toEqual(gptAnswer.choices[0]?.message.tool_calls);
    expect(back.choices[0]?.finish_reason).toBe('tool_calls');
    expect(back.usage?.prompt_tokens).toBe(2006);
    expect(back.usage?.prompt_tokens_details?.cached_tokens).toBe(1920);
  });
});

describe('stop reasons', () => {
  it.each<[StopReason, ChatFinishReason]>([
    ['end_turn', 'stop'],
    ['stop_sequence', 'stop'],
    ['max_tokens', 'length'],
    ['tool_use', 'tool_calls'],
    ['refusal', 'content_filter'],
    ['pause_turn', 'length'],
    ['model_context_window_exceeded', 'length'],
  ])('Anthropic %s → OpenAI %s', (stop, finish) => {
    expect(toFinishReason(stop)).toBe(finish);
  });

  it.each<[ChatFinishReason, StopReason]>([
    ['stop', 'end_turn'],
    ['length', 'max_tokens'],
    ['tool_calls', 'tool_use'],
    ['function_call', 'tool_use'],
    ['content_filter', 'refusal'],
  ])('OpenAI %s → Anthropic %s', (finish, stop) => {
    expect(toStopReason(finish)).toBe(stop);
  });

  it('keeps null as null and maps unknown reasons to a plain stop', () => {
    expect(toFinishReason(null)).toBeNull();
    expect(toStopReason(null)).toBeNull();
    expect(toFinishReason('brand_new' as StopReason)).toBe('stop');
    expect(toStopReason('brand_new' as ChatFinishReason)).toBe('end_turn');
  });
});
