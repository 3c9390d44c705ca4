import Anthropic from '@anthropic-ai/sdk';
import { describe, expect, it } from 'vitest';
import type { AnthropicMessage, AnthropicStreamEvent } from '../anthropic/types.ts';
import type { ChatCompletionChunk, ChatCompletionChunkChoice } from '../openai/types.ts';
import { anthropicFrame } from '../sse-encode.ts';
import { OpenAIToAnthropicStream } from './openai-to-anthropic-stream.ts';

function chunk(
  delta: ChatCompletionChunkChoice['delta'],
  finish: ChatCompletionChunkChoice['finish_reason'] = null,
): ChatCompletionChunk {
  return {
    id: 'chatcmpl-9x8y',
    object: 'chat.completion.chunk',
    created: 1_694_268_190,
    model: 'gpt-4o-mini',
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
    usage: null,
  };
}

const USAGE_CHUNK: ChatCompletionChunk = {
  ...chunk({}),
  choices: [],
  usage: {
    prompt_tokens: 1200,
    completion_tokens: 40,
    total_tokens: 1240,
    prompt_tokens_details: { cached_tokens: 1024 },
    completion_tokens_details: { reasoning_tokens: 0 },
  },
};

/** Text, then two parallel tool calls, as gpt-4o streams them (with include_usage). */
const TEXT_AND_TOOLS: ChatCompletionChunk[] = [
  chunk({ role: 'assistant', content: '' }),
  chunk({ content: 'Checking ' }),
  chunk({ content: 'both.' }),
  chunk({
    tool_calls: [
      {
        index: 0,
        id: 'call_A',
        type: 'function',
        function: { name: 'get_weather', arguments: '' },
      },
    ],
  }),
  chunk({ tool_calls: [{ index: 0, function: { arguments: '{"city":' } }] }),
  chunk({ tool_calls: [{ index: 0, function: { arguments: '"Paris"}' } }] }),
  chunk({
    tool_calls: [
      {
        index: 1,
        id: 'call_B',
        type: 'function',
        function: { name: 'get_weather', arguments: '{"ci' },
      },
    ],
  }),
  chunk({ tool_calls: [{ index: 1, function: { arguments: 'ty":"Rome"}' } }] }),
  chunk({}, 'tool_calls'),
  USAGE_CHUNK,
];

function translateAll(chunks: ChatCompletionChunk[], options = {}) {
  const stream = new OpenAIToAnthropicStream(options);
  const events = chunks.flatMap((c) => stream.push(c));
  events.push(...stream.end());
  return { stream, events };
}

/** Folds events the way an application would: through the Anthropic SDK's MessageStream. */
async function foldWithAnthropicSdk(events: AnthropicStreamEvent[]): Promise<AnthropicMessage> {
  const body = events.map(anthropicFrame).join('');
  const client = new Anthropic({
    apiKey: 'test',
    maxRetries: 0,
    fetch: async () => new Response(body, { headers: { 'content-type': 'text/event-stream' } }),
  });
  const stream = client.messages.stream({ model: 'm', max_tokens: 1, messages: [] });
  return (await stream.finalMessage()) as unknown as AnthropicMessage;
}

/** Every block starts once, in index order from 0, and stops before the next one starts. */
function expectWellFormedBlocks(events: AnthropicStreamEvent[]): void {
  let open: number | undefined;
  let next = 0;
  for (const event of events) {
    if (event.type === 'content_block_start') {
      expect(open).toBeUndefined();
      expect(event.index).toBe(next++);
      open = event.index;
    } else if (event.type === 'content_block_delta') {
      expect(event.index).toBe(open);
    } else if (event.type === 'content_block_stop') {
      expect(event.index).toBe(open);
      open = undefined;
    }
  }
  expect(open).toBeUndefined();
  expect(events[0]?.type).toBe('message_start');
  expect(events.at(-1)?.type).toBe('message_stop');
}

describe('OpenAIToAnthropicStream', () => {
  it('turns text + parallel tool calls into blocks the Anthropic SDK folds into the right Message', async () => {
    const { stream, events } = translateAll(TEXT_AND_TOOLS, { inputTokens: 1150 });
    expect(stream.complete).toBe(true);
    expectWellFormedBlocks(events);
    expect(events.map((e) => e.type)).toEqual([
      'message_start',
      'content_block_start',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'content_block_start',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'content_block_start',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    expect(events[0]).toMatchObject({
      message: { usage: { input_tokens: 1150, output_tokens: 0 } },
    });

    const message = await foldWithAnthropicSdk(events);
    expect(message).toMatchObject({
      id: 'msg_9x8y',
      role: 'assistant',
      model: 'gpt-4o-mini',
      content: [
        { type: 'text', text: 'Checking both.' },
        { type: 'tool_use', id: 'call_A', name: 'get_weather', input: { city: 'Paris' } },
        { type: 'tool_use', id: 'call_B', name: 'get_weather', input: { city: 'Rome' } },
      ],
      stop_reason: 'tool_use',
      stop_sequence: null,
      usage: {
        input_tokens: 176,
        output_tokens: 40,
        cache_read_input_tokens: 1024,
        cache_creation_input_tokens: 0,
      },
    });
    expect(message.content).toHaveLength(3);
  });

  it('finishes at end() with zero output tokens when OpenAI sent no usage chunk', async () => {
    const noUsage = TEXT_AND_TOOLS.slice(0, 3).concat(chunk({}, 'stop'));
    const stream = new OpenAIToAnthropicStream();
    const before = noUsage.flatMap((c) => stream.push(c));
    expect(before.at(-1)).toEqual({ type: 'content_block_stop', index: 0 });
    expect(stream.complete).toBe(false);
    const tail = stream.end();
    expect(tail.map((e) => e.type)).toEqual(['message_delta', 'message_stop']);
    expect(stream.complete).toBe(true);
    const message = await foldWithAnthropicSdk([...before, ...tail]);
    expect(message.content).toEqual([{ type: 'text', text: 'Checking both.' }]);
    expect(message.stop_reason).toBe('end_turn');
  });

  it('finishes at once when the finish chunk carries the usage itself', () => {
    const stream = new OpenAIToAnthropicStream();
    stream.push(chunk({ content: 'Hi' }));
    const events = stream.push({ ...chunk({}, 'length'), usage: USAGE_CHUNK.usage });
    expect(events.map((e) => e.type)).toEqual([
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    expect(events[1]).toMatchObject({ delta: { stop_reason: 'max_tokens' } });
    expect(stream.end()).toEqual([]);
  });

  it('reports a refusal as text with stop_reason refusal', async () => {
    const { events } = translateAll([
      chunk({ role: 'assistant', refusal: '' }),
      chunk({ refusal: "I can't help with that." }),
      chunk({}, 'stop'),
      USAGE_CHUNK,
    ]);
    const message = await foldWithAnthropicSdk(events);
    expect(message.content).toEqual([{ type: 'text', text: "I can't help with that." }]);
    expect(message.stop_reason).toBe('refusal');
  });

  it('produces an empty, well-formed message for an answer with no content', async () => {
    const { events } = translateAll([
      chunk({ role: 'assistant', content: '' }),
      chunk({}, 'length'),
      USAGE_CHUNK,
    ]);
    expectWellFormedBlocks(events);
    const message = await foldWithAnthropicSdk(events);
    expect(message.content).toEqual([]);
    expect(message.stop_reason).toBe('max_tokens');
  });

  it('stays incomplete when the source stops before a finish reason', () => {
    const { stream, events } = translateAll(TEXT_AND_TOOLS.slice(0, 5));
    expect(stream.complete).toBe(false);
    expect(events.some((e) => e.type === 'message_stop')).toBe(false);
  });

  it('rejects a tool call that resumes after another block started', () => {
    const stream = new OpenAIToAnthropicStream();
    for (const c of TEXT_AND_TOOLS.slice(0, 7)) stream.push(c);
    expect(() =>
      stream.push(chunk({ tool_calls: [{ index: 0, function: { arguments: 'x' } }] })),
    ).toThrow(expect.objectContaining({ code: 'malformed_response' }));
  });

  it('ignores choices other than the first', () => {
    const stream = new OpenAIToAnthropicStream({ model: 'route' });
    const first = stream.push({
      ...chunk({ content: 'A' }),
      choices: [{ index: 1, delta: { content: 'B' }, finish_reason: null }],
    });
    expect(first.map((e) => e.type)).toEqual(['message_start']);
    expect(first[0]).toMatchObject({ message: { model: 'route' } });
  });
});
