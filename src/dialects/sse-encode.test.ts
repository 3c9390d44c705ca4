import { describe, expect, it } from 'vitest';
import type { AnthropicStreamEvent } from './anthropic/types.ts';
import type { ChatCompletionChunk } from './openai/types.ts';
import { anthropicFrame, OPENAI_DONE_FRAME, openAIFrame } from './sse-encode.ts';

const chunk: ChatCompletionChunk = {
  id: 'chatcmpl-1',
  object: 'chat.completion.chunk',
  created: 1,
  model: 'm',
  choices: [{ index: 0, delta: { content: 'line one\nline two ✓' }, finish_reason: null }],
};

describe('OpenAI frames', () => {
  it('writes data-only frames and the [DONE] terminator', () => {
    expect(openAIFrame(chunk)).toBe(`data: ${JSON.stringify(chunk)}\n\n`);
    expect(OPENAI_DONE_FRAME).toBe('data: [DONE]\n\n');
    expect(
      openAIFrame({ error: { message: 'boom', type: 'server_error', param: null, code: null } }),
    ).toBe('data: {"error":{"message":"boom","type":"server_error","param":null,"code":null}}\n\n');
  });

  it('keeps a newline in the content inside the one data line', () => {
    const frame = openAIFrame(chunk);
    expect(frame.split('\n')).toHaveLength(3);
    expect(JSON.parse(frame.slice('data: '.length))).toEqual(chunk);
  });
});

describe('Anthropic frames', () => {
  const events: AnthropicStreamEvent[] = [
    { type: 'ping' },
    { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'a\r\nb' } },
    { type: 'message_stop' },
    { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } },
  ];

  it('names every frame with an event line matching the data type', () => {
    for (const event of events) {
      const frame = anthropicFrame(event);
      expect(frame).toBe(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
      expect(frame.split('\n')).toHaveLength(4);
    }
  });

  it('names event types it does not know yet, and refuses ones that would forge frames', () => {
    const future = { type: 'message_annotation', note: 1 } as unknown as AnthropicStreamEvent;
    expect(anthropicFrame(future)).toBe(
      'event: message_annotation\ndata: {"type":"message_annotation","note":1}\n\n',
    );
    const forged = { type: 'ping\ndata: x' } as unknown as AnthropicStreamEvent;
    expect(() => anthropicFrame(forged)).toThrow(TypeError);
  });
});
