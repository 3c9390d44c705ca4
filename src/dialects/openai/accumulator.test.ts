import { describe, expect, it } from 'vitest';
import { BreakwaterError } from '../../errors/index.ts';
import { accumulateChatCompletion } from '../accumulate.fixture.ts';
import { ChatCompletionAccumulator } from './accumulator.ts';
import type { ChatCompletionChunk, ChatCompletionChunkChoice } from './types.ts';

function chunk(
  choices: Array<Partial<ChatCompletionChunkChoice> & Pick<ChatCompletionChunkChoice, 'delta'>>,
  extra: Partial<ChatCompletionChunk> = {},
): ChatCompletionChunk {
  return {
    id: 'chatcmpl-9',
    object: 'chat.completion.chunk',
    created: 1_700_000_000,
    model: 'gpt-4o',
    choices: choices.map((c) => ({ index: 0, finish_reason: null, ...c })),
    usage: null,
    ...extra,
  };
}

describe('ChatCompletionAccumulator', () => {
  it('merges tool calls by index: id, type and name once, arguments concatenated', async () => {
    // The shape provider-wire.md §4 describes: the first delta carries id, type and name with
    // `arguments: ""`; later ones only `{index, function:{arguments}}`.
    const chunks = [
      chunk([{ delta: { role: 'assistant', content: null } }], { system_fingerprint: 'fp_1' }),
      chunk([
        {
          delta: {
            tool_calls: [
              {
                index: 0,
                id: 'call_a',
                type: 'function',
                function: { name: 'get_weather', arguments: '' },
              },
            ],
          },
        },
      ]),
      chunk([{ delta: { tool_calls: [{ index: 0, function: { arguments: '{"location":' } }] } }]),
      chunk([
        {
          delta: {
            tool_calls: [
              {
                index: 1,
                id: 'call_b',
                type: 'function',
                function: { name: 'get_time', arguments: '' },
              },
            ],
          },
        },
      ]),
      chunk([{ delta: { tool_calls: [{ index: 0, function: { arguments: ' "Paris"}' } }] } }]),
      chunk([{ delta: { tool_calls: [{ index: 1, function: { arguments: '{}' } }] } }]),
      chunk([{ delta: {}, finish_reason: 'tool_calls' }]),
      chunk([], {
        usage: { prompt_tokens: 80, completion_tokens: 30, total_tokens: 110 },
      }),
    ];
    const completion = await accumulateChatCompletion(chunks);
    expect(completion).toEqual({
      id: 'chatcmpl-9',
      object: 'chat.completion',
      created: 1_700_000_000,
      model: 'gpt-4o',
      system_fingerprint: 'fp_1',
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: null,
            refusal: null,
            tool_calls: [
              {
                id: 'call_a',
                type: 'function',
                function: { name: 'get_weather', arguments: '{"location": "Paris"}' },
              },
              { id: 'call_b', type: 'function', function: { name: 'get_time', arguments: '{}' } },
            ],
          },
          finish_reason: 'tool_calls',
          logprobs: null,
        },
      ],
      usage: { prompt_tokens: 80, completion_tokens: 30, total_tokens: 110 },
    });
  });

  it('keeps n > 1 choices apart, in index order', () => {
    const acc = new ChatCompletionAccumulator();
    acc.add(chunk([{ index: 1, delta: { role: 'assistant', content: 'B' } }]));
    acc.add(chunk([{ index: 0, delta: { role: 'assistant', content: 'A' } }]));
    acc.add(
      chunk([
        { index: 0, delta: { content: '1' }, finish_reason: 'stop' },
        { index: 1, delta: { content: '2' }, finish_reason: 'length' },
      ]),
    );
    const { choices } = acc.toCompletion();
    expect(choices.map((c) => [c.index, c.message.content, c.finish_reason])).toEqual([
      [0, 'A1', 'stop'],
      [1, 'B2', 'length'],
    ]);
  });

  it('joins refusals, custom tool input and logprobs', () => {
    const acc = new ChatCompletionAccumulator();
    acc.add(
      chunk([
        { delta: { refusal: 'I can’t ' }, logprobs: { content: null, refusal: [{ token: 'I' }] } },
      ]),
    );
    acc.add(
      chunk([
        { delta: { refusal: 'help.' }, logprobs: { content: null, refusal: [{ token: 'help' }] } },
      ]),
    );
    acc.add(
      chunk([
        {
          delta: {
            tool_calls: [
              { index: 0, id: 'call_c', type: 'custom', custom: { name: 'sql', input: 'SELECT' } },
            ],
          },
        },
      ]),
    );
    acc.add(
      chunk([
        { delta: { tool_calls: [{ index: 0, custom: { input: ' 1' } }] }, finish_reason: 'stop' },
      ]),
    );
    const [choice] = acc.toCompletion().choices;
    expect(choice?.message.refusal).toBe('I can’t help.');
    expect(choice?.message.tool_calls).toEqual([
      { id: 'call_c', type: 'custom', custom: { name: 'sql', input: 'SELECT 1' } },
    ]);
    expect(choice?.logprobs).toEqual({
      content: null,
      refusal: [{ token: 'I' }, { token: 'help' }],
    });
  });

  it('leaves finish_reason null and usage absent for an interrupted stream', () => {
    const acc = new ChatCompletionAccumulator();
    acc.add(chunk([{ delta: { role: 'assistant', content: 'Hel' } }]));
    const completion = acc.toCompletion();
    expect(completion.choices[0]?.finish_reason).toBeNull();
    expect(completion.choices[0]?.message.content).toBe('Hel');
    expect(completion.usage).toBeUndefined();
  });

  it('throws malformed_response when no chunk was added', () => {
    const acc = new ChatCompletionAccumulator({ provider: 'openai', model: 'gpt-4o' });
    let error: unknown;
    try {
      acc.toCompletion();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(BreakwaterError);
    expect((error as BreakwaterError).code).toBe('malformed_response');
    expect((error as BreakwaterError).model).toBe('gpt-4o');
  });
});
