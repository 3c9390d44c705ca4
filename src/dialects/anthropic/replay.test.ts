import { describe, expect, it } from 'vitest';
import { accumulateMessage } from '../accumulate.fixture.ts';
import { message, toolUseMessage } from '../answers.fixture.ts';
import { replayMessage } from './replay.ts';
import type { AnthropicMessage } from './types.ts';

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
