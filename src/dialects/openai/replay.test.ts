import { describe, expect, it } from 'vitest';
import { accumulateChatCompletion } from '../accumulate.fixture.ts';
import { completion, toolCallCompletion } from '../answers.fixture.ts';
import { replayChatCompletion } from './replay.ts';
import type { ChatCompletion } from './types.ts';

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
