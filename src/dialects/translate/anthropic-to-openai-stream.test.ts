import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import type { AnthropicStreamEvent } from '../anthropic/types.ts';
import type { ChatCompletion, ChatCompletionChunk } from '../openai/types.ts';
import { OPENAI_DONE_FRAME, openAIFrame } from '../sse-encode.ts';
import { AnthropicToOpenAIStream } from './anthropic-to-openai-stream.ts';

/** The tool-use transcript of provider-wire.md §4, verbatim, as parsed objects. */
const TRANSCRIPT: AnthropicStreamEvent[] = [
  {
    type: 'message_start',
    message: {
      id: 'msg_014p7gG3wDgGV9EUtLvnow3U',
      type: 'message',
      role: 'assistant',
      model: 'claude-opus-5',
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { input_tokens: 472, output_tokens: 2 },
    },
  },
  { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
  { type: 'ping' },
  { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Okay' } },
  { type: 'content_block_stop', index: 0 },
  {
    type: 'content_block_start',
    index: 1,
    content_block: {
      type: 'tool_use',
      id: 'toolu_01T1x1fJ34qAmk2tNTrN7Up6',
      name: 'get_weather',
      input: {},
    },
  },
  { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '' } },
  {
    type: 'content_block_delta',
    index: 1,
    delta: { type: 'input_json_delta', partial_json: '{"location":' },
  },
  {
    type: 'content_block_delta',
    index: 1,
    delta: { type: 'input_json_delta', partial_json: ' "San Francisco, CA"}' },
  },
  { type: 'content_block_stop', index: 1 },
  {
    type: 'message_delta',
    delta: { stop_reason: 'tool_use', stop_sequence: null },
    usage: { output_tokens: 89 },
  },
  { type: 'message_stop' },
];

const clock = { now: () => 1_700_000_000_000 };

function translateAll(events: AnthropicStreamEvent[], includeUsage: boolean) {
  const stream = new AnthropicToOpenAIStream({ includeUsage, clock });
  const chunks = events.flatMap((event) => stream.push(event));
  chunks.push(...stream.end());
  return { stream, chunks };
}

/** Folds chunks the way an application would: through openai-node's own stream accumulator. */
async function foldWithOpenAISdk(chunks: ChatCompletionChunk[]): Promise<ChatCompletion> {
  const body = chunks.map(openAIFrame).join('') + OPENAI_DONE_FRAME;
  const client = new OpenAI({
    apiKey: 'test',
    maxRetries: 0,
    fetch: async () => new Response(body, { headers: { 'content-type': 'text/event-stream' } }),
  });
  const stream = client.chat.completions.stream({ model: 'm', messages: [] });
  return (await stream.finalChatCompletion()) as unknown as ChatCompletion;
}

describe('AnthropicToOpenAIStream', () => {
  it('translates the §4 tool-use transcript into chunks the OpenAI SDK folds correctly', async () => {
    const { stream, chunks } = translateAll(TRANSCRIPT, true);
    expect(stream.complete).toBe(true);
    for (const chunk of chunks) {
      expect(chunk).toMatchObject({
        id: 'chatcmpl-014p7gG3wDgGV9EUtLvnow3U',
        object: 'chat.completion.chunk',
        created: 1_700_000_000,
        model: 'claude-opus-5',
      });
    }
    expect(chunks.map((c) => c.choices[0]?.delta ?? null)).toEqual([
      { role: 'assistant', content: '' },
      { content: 'Okay' },
      {
        tool_calls: [
          {
            index: 0,
            id: 'toolu_01T1x1fJ34qAmk2tNTrN7Up6',
            type: 'function',
            function: { name: 'get_weather', arguments: '' },
          },
        ],
      },
      { tool_calls: [{ index: 0, function: { arguments: '{"location":' } }] },
      { tool_calls: [{ index: 0, function: { arguments: ' "San Francisco, CA"}' } }] },
      {},
      null,
    ]);
    expect(chunks.at(-1)).toMatchObject({
      choices: [],
      usage: { prompt_tokens: 472, completion_tokens: 89 },
    });
    expect(chunks.slice(0, -1).every((c) => c.usage === null)).toBe(true);

    const completion = await foldWithOpenAISdk(chunks);
    expect(completion.id).toBe('chatcmpl-014p7gG3wDgGV9EUtLvnow3U');
    expect(completion.choices[0]?.finish_reason).toBe('tool_calls');
    expect(completion.choices[0]?.message).toMatchObject({
      role: 'assistant',
      content: 'Okay',
      tool_calls: [
        {
          id: 'toolu_01T1x1fJ34qAmk2tNTrN7Up6',
          type: 'function',
          function: { name: 'get_weather', arguments: '{"location": "San Francisco, CA"}' },
        },
      ],
    });
    const args = completion.choices[0]?.message.tool_calls?.[0];
    expect(args?.type === 'function' && JSON.parse(args.function.arguments)).toEqual({
      location: 'San Francisco, CA',
    });
    expect(completion.usage).toEqual({
      prompt_tokens: 472,
      completion_tokens: 89,
      total_tokens: 561,
      prompt_tokens_details: { cached_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 0 },
    });
  });

  it('sends no usage chunk and no usage field unless the caller asked for include_usage', () => {
    const { chunks, stream } = translateAll(TRANSCRIPT, false);
    expect(chunks).toHaveLength(6);
    expect(chunks.every((c) => !('usage' in c) && c.choices.length === 1)).toBe(true);
    expect(stream.usage).toMatchObject({ inputTokens: 472, outputTokens: 89 });
  });

  it('drops thinking blocks but keeps their tokens, numbering tool calls from 0', async () => {
    const events: AnthropicStreamEvent[] = [
      TRANSCRIPT[0]!,
      {
        type: 'content_block_start',
        index: 0,
        content_block: { type: 'thinking', thinking: '', signature: '' },
      },
      {
        type: 'content_block_delta',
        index: 0,
        delta: { type: 'thinking_delta', thinking: 'Let me think' },
      },
      {
        type: 'content_block_delta',
        index: 0,
        delta: { type: 'signature_delta', signature: 'EqQ' },
      },
      { type: 'content_block_stop', index: 0 },
      { type: 'content_block_start', index: 1, content_block: { type: 'text', text: '' } },
      { type: 'content_block_delta', index: 1, delta: { type: 'text_delta', text: 'Hi!' } },
      { type: 'content_block_stop', index: 1 },
      {
        type: 'message_delta',
        delta: { stop_reason: 'end_turn', stop_sequence: null },
        usage: { output_tokens: 250, cache_read_input_tokens: 100 },
      },
      { type: 'message_stop' },
    ];
    const { chunks } = translateAll(events, true);
    const completion = await foldWithOpenAISdk(chunks);
    expect(completion.choices[0]?.message.content).toBe('Hi!');
    expect(completion.choices[0]?.finish_reason).toBe('stop');
    expect(completion.usage).toMatchObject({
      prompt_tokens: 572,
      completion_tokens: 250,
      prompt_tokens_details: { cached_tokens: 100 },
    });
  });

  it('maps refusal and max_tokens stop reasons', () => {
    for (const [stop, finish] of [
      ['refusal', 'content_filter'],
      ['max_tokens', 'length'],
    ] as const) {
      const events = TRANSCRIPT.map((e) =>
        e.type === 'message_delta'
          ? { ...e, delta: { stop_reason: stop, stop_sequence: null } }
          : e,
      );
      const { chunks } = translateAll(events, false);
      expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe(finish);
    }
  });

  it('stays incomplete when the source ends before message_stop', () => {
    const { chunks, stream } = translateAll(TRANSCRIPT.slice(0, 8), true);
    expect(stream.complete).toBe(false);
    expect(chunks.some((c) => c.choices.length === 0)).toBe(false);
  });

  it('throws the classified error for an error event, and malformed_response before message_start', () => {
    const stream = new AnthropicToOpenAIStream({ clock });
    expect(() => stream.push(TRANSCRIPT[1]!)).toThrow(
      expect.objectContaining({ code: 'malformed_response' }),
    );
    stream.push(TRANSCRIPT[0]!);
    expect(() =>
      stream.push({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }),
    ).toThrow(expect.objectContaining({ code: 'overloaded', retryable: true }));
  });
});
