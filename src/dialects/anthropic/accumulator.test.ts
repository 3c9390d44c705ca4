import { describe, expect, it } from 'vitest';
import { BreakwaterError } from '../../errors/index.ts';
import { accumulateMessage } from '../accumulate.fixture.ts';
import { MessageAccumulator } from './accumulator.ts';
import type { AnthropicStreamEvent, MessageStartEvent } from './types.ts';

const start: MessageStartEvent = {
  type: 'message_start',
  message: {
    id: 'msg_1',
    type: 'message',
    role: 'assistant',
    model: 'claude-sonnet-4-5',
    content: [],
    stop_reason: null,
    stop_sequence: null,
    usage: {
      input_tokens: 10,
      output_tokens: 1,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 2048,
      service_tier: 'standard',
    },
  },
};

function thrown(fn: () => unknown): BreakwaterError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(BreakwaterError);
    return error as BreakwaterError;
  }
  throw new Error('expected a throw');
}

describe('MessageAccumulator', () => {
  it('folds thinking, signature, citations and cumulative usage', async () => {
    const events: AnthropicStreamEvent[] = [
      start,
      {
        type: 'content_block_start',
        index: 0,
        content_block: { type: 'thinking', thinking: '', signature: '' },
      },
      {
        type: 'content_block_delta',
        index: 0,
        delta: { type: 'thinking_delta', thinking: 'Let me ' },
      },
      {
        type: 'content_block_delta',
        index: 0,
        delta: { type: 'thinking_delta', thinking: 'think.' },
      },
      {
        type: 'content_block_delta',
        index: 0,
        delta: { type: 'signature_delta', signature: 'EqQB…' },
      },
      { type: 'content_block_stop', index: 0 },
      {
        type: 'content_block_start',
        index: 1,
        content_block: { type: 'text', text: '', citations: null },
      },
      { type: 'content_block_delta', index: 1, delta: { type: 'text_delta', text: 'Paris' } },
      {
        type: 'content_block_delta',
        index: 1,
        delta: {
          type: 'citations_delta',
          citation: { type: 'char_location', cited_text: 'Paris' },
        },
      },
      { type: 'content_block_stop', index: 1 },
      { type: 'ping' },
      {
        type: 'message_delta',
        delta: { stop_reason: 'end_turn', stop_sequence: null },
        usage: { output_tokens: 40, input_tokens: null, cache_read_input_tokens: null },
      },
      {
        type: 'message_delta',
        delta: { stop_reason: 'end_turn', stop_sequence: null },
        usage: { output_tokens: 42 },
      },
      { type: 'message_stop' },
    ];
    expect(await accumulateMessage(events)).toEqual({
      ...start.message,
      content: [
        { type: 'thinking', thinking: 'Let me think.', signature: 'EqQB…' },
        {
          type: 'text',
          text: 'Paris',
          citations: [{ type: 'char_location', cited_text: 'Paris' }],
        },
      ],
      stop_reason: 'end_turn',
      usage: { ...start.message.usage, output_tokens: 42 },
    });
  });

  it('does not mutate the events it was given', () => {
    const acc = new MessageAccumulator();
    const block = { type: 'text' as const, text: '' };
    acc.add(start);
    acc.add({ type: 'content_block_start', index: 0, content_block: block });
    acc.add({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'hi' } });
    acc.add({
      type: 'message_delta',
      delta: { stop_reason: 'end_turn', stop_sequence: null },
      usage: { output_tokens: 5 },
    });
    expect(block.text).toBe('');
    expect(start.message.content).toEqual([]);
    expect(start.message.usage.output_tokens).toBe(1);
    expect(start.message.stop_reason).toBeNull();
  });

  it('reports whether message_stop was seen, and snapshots a cut stream', () => {
    const acc = new MessageAccumulator();
    acc.add(start);
    acc.add({
      type: 'content_block_start',
      index: 0,
      content_block: { type: 'tool_use', id: 'toolu_1', name: 'f', input: {} },
    });
    acc.add({
      type: 'content_block_delta',
      index: 0,
      delta: { type: 'input_json_delta', partial_json: '{"a":' },
    });
    expect(acc.stopped).toBe(false);
    const message = acc.toMessage();
    expect(message.stop_reason).toBeNull();
    expect(message.content).toEqual([{ type: 'tool_use', id: 'toolu_1', name: 'f', input: {} }]);
  });

  it('throws malformed_response for events before message_start', () => {
    const acc = new MessageAccumulator({ provider: 'anthropic' });
    const error = thrown(() =>
      acc.add({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }),
    );
    expect(error.code).toBe('malformed_response');
    expect(error.provider).toBe('anthropic');
    expect(thrown(() => acc.toMessage()).code).toBe('malformed_response');
  });

  it('throws malformed_response for a delta to a block never started, or of the wrong kind', () => {
    const acc = new MessageAccumulator();
    acc.add(start);
    expect(
      thrown(() =>
        acc.add({
          type: 'content_block_delta',
          index: 3,
          delta: { type: 'text_delta', text: 'x' },
        }),
      ).code,
    ).toBe('malformed_response');
    acc.add({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } });
    expect(
      thrown(() =>
        acc.add({
          type: 'content_block_delta',
          index: 0,
          delta: { type: 'input_json_delta', partial_json: '{' },
        }),
      ).code,
    ).toBe('malformed_response');
  });

  it('throws malformed_response when the tool input is not JSON at content_block_stop', () => {
    const acc = new MessageAccumulator();
    acc.add(start);
    acc.add({
      type: 'content_block_start',
      index: 0,
      content_block: { type: 'tool_use', id: 'toolu_1', name: 'f', input: {} },
    });
    acc.add({
      type: 'content_block_delta',
      index: 0,
      delta: { type: 'input_json_delta', partial_json: '{"a":' },
    });
    const error = thrown(() => acc.add({ type: 'content_block_stop', index: 0 }));
    expect(error.code).toBe('malformed_response');
    expect(error.cause).toBeInstanceOf(SyntaxError);
  });

  it('throws the classified error for an error event', () => {
    const acc = new MessageAccumulator();
    acc.add(start);
    const error = thrown(() =>
      acc.add({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }),
    );
    expect(error.code).toBe('overloaded');
  });
});
