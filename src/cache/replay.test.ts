import { describe, expect, it } from 'vitest';
import { accumulateMessage } from '../dialects/anthropic/accumulator.ts';
import type { AnthropicMessage } from '../dialects/anthropic/types.ts';
import { accumulateChatCompletion } from '../dialects/openai/accumulator.ts';
import type { ChatCompletion } from '../dialects/openai/types.ts';
import { completion, message, toolCallCompletion, toolUseMessage } from './answers.fixture.ts';
import { replay, replayChatCompletion, replayMessage, splitText } from './replay.ts';

describe('splitText', () => {
  it('cuts after whole words and loses nothing', () => {
    const text = '  Hello, world!  This is\na test of 🌍 splitting text into pieces.  ';
    const pieces = splitText(text, 8);
    expect(pieces.join('')).toBe(text);
    expect(pieces.length).toBeGreaterThan(3);
    for (const piece of pieces.slice(0, -1)) expect(piece.length).toBeGreaterThanOrEqual(8);
    for (const piece of pieces.slice(1)) expect(piece).toMatch(/^\s/);
  });

  it('cuts text without whitespace too, never inside a surrogate pair', () => {
    const json = JSON.stringify({ city: 'Paris', emoji: '🌍🌍🌍🌍🌍🌍🌍🌍', days: [1, 2, 3] });
    const pieces = splitText(json, 5);
    expect(pieces.join('')).toBe(json);
    expect(pieces.length).toBeGreaterThan(3);
    for (const piece of pieces) expect(piece.isWellFormed()).toBe(true);
  });

  it('gives nothing for the empty string', () => {
    expect(splitText('')).toEqual([]);
  });
});

describe('replayChatCompletion', () => {
  it.each<[string, ChatCompletion]>([
    ['a text answer', completion()],
    ['tool calls', toolCallCompletion],
    ['a length-capped answer', completion({ finish_reason: 'length' })],
    [
      'logprobs and an empty content',
      completion({
        logprobs: { content: [{ token: 'Hi', logprob: -0.1, bytes: [72, 105] }], refusal: null },
        message: { content: '' },
      }),
    ],
    [
      'a custom tool call',
      completion({
        finish_reason: 'tool_calls',
        message: {
          content: null,
          tool_calls: [{ id: 'c', type: 'custom', custom: { name: 'sql', input: 'SELECT 1' } }],
        },
      }),
    ],
  ])('folds back into the stored answer: %s', async (_name, stored) => {
    const chunks = replayChatCompletion(stored, { includeUsage: true, pieceChars: 8 });
    expect(await accumulateChatCompletion(chunks)).toEqual(stored);
  });

  it('has the shape of a real stream', () => {
    const stored = toolCallCompletion;
    const chunks = replayChatCompletion(stored, { includeUsage: true });
    for (const chunk of chunks) {
      expect(chunk).toMatchObject({
        id: stored.id,
        object: 'chat.completion.chunk',
        created: stored.created,
        model: stored.model,
        system_fingerprint: 'fp_1',
      });
    }
    expect(chunks[0]?.choices[0]?.delta).toEqual({ role: 'assistant', content: null });
    // The first fragment of each tool call names it; later ones only carry arguments.
    const toolDeltas = chunks.flatMap((c) => c.choices[0]?.delta.tool_calls ?? []);
    expect(toolDeltas[0]).toEqual({
      index: 0,
      id: 'call_1',
      type: 'function',
      function: { name: 'get_weather', arguments: '' },
    });
    expect(Object.keys(toolDeltas[1] ?? {})).toEqual(['index', 'function']);
    const finish = chunks.at(-2);
    expect(finish?.choices).toEqual([
      { index: 0, delta: {}, logprobs: null, finish_reason: 'tool_calls' },
    ]);
    const usage = chunks.at(-1);
    expect(usage?.choices).toEqual([]);
    expect(usage?.usage).toEqual(stored.usage);
    expect(chunks.slice(0, -1).every((c) => c.usage === null)).toBe(true);
  });

  it('leaves usage out unless asked for', () => {
    const chunks = replayChatCompletion(completion());
    expect(chunks.every((c) => !('usage' in c))).toBe(true);
    expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe('stop');
  });

  it('replays every choice of an n > 1 answer', async () => {
    const stored = completion();
    const [first] = stored.choices;
    if (!first) throw new Error('fixture has a choice');
    stored.choices.push({
      ...first,
      index: 1,
      message: { ...first.message, content: 'Another answer entirely.' },
    });
    const chunks = replayChatCompletion(stored, { includeUsage: true });
    expect(await accumulateChatCompletion(chunks)).toEqual(stored);
  });

  it('keeps non-empty message fields the stream has no fragments for', () => {
    const annotations = [{ type: 'url_citation', url_citation: { url: 'https://example.com' } }];
    const chunks = replayChatCompletion(completion({ message: { annotations } }));
    const deltas = chunks.map((c) => c.choices[0]?.delta);
    expect(deltas).toContainEqual({ annotations });
    const plain = replayChatCompletion(completion({ message: { annotations: [] } }));
    expect(plain.some((c) => 'annotations' in (c.choices[0]?.delta ?? {}))).toBe(false);
  });
});

describe('replayMessage', () => {
  it.each<[string, AnthropicMessage]>([
    ['a text answer', message()],
    ['thinking, text and tool use', toolUseMessage],
    ['a stop sequence', message({ stop_reason: 'stop_sequence', stop_sequence: '###' })],
    [
      'citations and a redacted thinking block',
      message({
        content: [
          { type: 'redacted_thinking', data: 'opaque' },
          {
            type: 'text',
            text: 'Paris is the capital.',
            citations: [{ type: 'char_location', cited_text: 'Paris', start_char_index: 0 }],
          },
        ],
      }),
    ],
  ])('folds back into the stored answer: %s', async (_name, stored) => {
    expect(await accumulateMessage(replayMessage(stored, { pieceChars: 8 }))).toEqual(stored);
  });

  it('has the shape of a real stream', () => {
    const events = replayMessage(toolUseMessage, { pieceChars: 16 });
    expect(events[0]).toMatchObject({
      type: 'message_start',
      message: { id: 'msg_01', content: [], stop_reason: null, usage: { output_tokens: 0 } },
    });
    // Each block opens, carries its deltas and closes before the next one starts.
    const shape = events.map((e) => ('index' in e ? `${e.type}:${e.index}` : e.type)).join(' ');
    expect(shape).toMatch(
      /^message_start (content_block_start:0 (content_block_delta:0 )+content_block_stop:0 )(content_block_start:1 (content_block_delta:1 )+content_block_stop:1 )(content_block_start:2 (content_block_delta:2 )+content_block_stop:2 )(content_block_start:3 (content_block_delta:3 )+content_block_stop:3 )message_delta message_stop$/,
    );
    const toolJson = events.filter((e) => e.type === 'content_block_delta' && e.index === 2);
    expect(toolJson.length).toBeGreaterThan(1);
    expect(events).toContainEqual({
      type: 'content_block_start',
      index: 2,
      content_block: { type: 'tool_use', id: 'toolu_01', name: 'get_weather', input: {} },
    });
    expect(events.at(-2)).toEqual({
      type: 'message_delta',
      delta: { stop_reason: 'tool_use', stop_sequence: null },
      usage: toolUseMessage.usage,
    });
  });
});

describe('replay', () => {
  it('answers in the dialect of the stored answer', () => {
    expect(replay({ dialect: 'openai', response: completion() }).dialect).toBe('openai');
    const anthropic = replay({ dialect: 'anthropic', response: message() });
    expect(anthropic.dialect).toBe('anthropic');
    expect(anthropic.events.at(-1)).toEqual({ type: 'message_stop' });
  });
});
