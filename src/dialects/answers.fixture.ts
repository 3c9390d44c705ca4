/**
 * Final answers shaped as the providers return them, shared by the cache's tests.
 */
import type { AnthropicMessage } from './anthropic/types.ts';
import type { ChatCompletion, ChatCompletionChoice } from './openai/types.ts';

/** A choice's fields, with its message given in part. */
export type ChoiceOverrides = Partial<Omit<ChatCompletionChoice, 'message'>> & {
  message?: Partial<ChatCompletionChoice['message']>;
};

export function completion(
  choice: ChoiceOverrides = {},
  extra: Partial<ChatCompletion> = {},
): ChatCompletion {
  return {
    id: 'chatcmpl-abc',
    object: 'chat.completion',
    created: 1_700_000_000,
    model: 'gpt-4o-2024-08-06',
    system_fingerprint: 'fp_1',
    choices: [
      {
        index: 0,
        logprobs: null,
        finish_reason: 'stop',
        ...choice,
        message: {
          role: 'assistant',
          content: 'The weather in Paris is mild today, with light winds from the west.',
          refusal: null,
          ...choice.message,
        },
      },
    ],
    usage: { prompt_tokens: 20, completion_tokens: 15, total_tokens: 35 },
    ...extra,
  };
}

export const toolCallCompletion: ChatCompletion = completion({
  finish_reason: 'tool_calls',
  message: {
    content: null,
    tool_calls: [
      {
        id: 'call_1',
        type: 'function',
        function: { name: 'get_weather', arguments: '{"city": "Paris", "unit": "celsius"}' },
      },
      {
        id: 'call_2',
        type: 'function',
        function: { name: 'get_time', arguments: '{"timezone": "Europe/Paris"}' },
      },
    ],
  },
});

export function message(extra: Partial<AnthropicMessage> = {}): AnthropicMessage {
  return {
    id: 'msg_01',
    type: 'message',
    role: 'assistant',
    model: 'claude-sonnet-4-5-20250929',
    content: [
      {
        type: 'text',
        text: 'The weather in Paris is mild today, with light winds from the west.',
        citations: null,
      },
    ],
    stop_reason: 'end_turn',
    stop_sequence: null,
    usage: {
      input_tokens: 20,
      output_tokens: 15,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
    },
    ...extra,
  };
}

export const toolUseMessage: AnthropicMessage = message({
  stop_reason: 'tool_use',
  content: [
    {
      type: 'thinking',
      thinking: 'The user wants the weather; I should call the tool with the city.',
      signature: 'sig-abc',
    },
    { type: 'text', text: 'Let me check.', citations: null },
    {
      type: 'tool_use',
      id: 'toolu_01',
      name: 'get_weather',
      input: { city: 'Paris', units: { temperature: 'celsius' }, days: [1, 2] },
    },
    { type: 'tool_use', id: 'toolu_02', name: 'get_time', input: {} },
  ],
});
