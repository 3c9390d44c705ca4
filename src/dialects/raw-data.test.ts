import { describe, expect, it } from 'vitest';
import { parseAnthropicStream } from './anthropic/stream.ts';
import { parseOpenAIStream } from './openai/stream.ts';
import { keepRawData, rawDataOf } from './raw-data.ts';
import { anthropicFrame, openAIFrame } from './sse-encode.ts';

async function* bytes(...parts: string[]): AsyncGenerator<string> {
  for (const part of parts) yield part;
}

async function collect<T>(events: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const event of events) out.push(event);
  return out;
}

describe('raw event text', () => {
  it('frames an OpenAI chunk from the provider’s own text, byte for byte', async () => {
    const text =
      '{"id": "c1",  "object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"é"}}]}';
    const [chunk] = await collect(
      parseOpenAIStream(bytes(`data: ${text}\n\n`, 'data: [DONE]\n\n')),
    );
    expect(openAIFrame(chunk!)).toBe(`data: ${text}\n\n`);
    // Invisible to everything else: a copy or a re-serialisation carries no stale text.
    expect(JSON.stringify(chunk)).not.toContain('  ');
    expect(rawDataOf({ ...chunk! })).toBeUndefined();
  });

  it('frames an Anthropic event from its text, with the event line', async () => {
    const text = '{"type":"message_stop" }';
    const [event] = await collect(
      parseAnthropicStream(bytes(`event: message_stop\ndata: ${text}\n\n`)),
    );
    expect(anthropicFrame(event!)).toBe(`event: message_stop\ndata: ${text}\n\n`);
  });

  it('keeps no text that spans lines: such a frame is serialised again', async () => {
    const [chunk] = await collect(
      parseOpenAIStream(bytes('data: {"id":"c1",\ndata: "choices":[]}\n\n', 'data: [DONE]\n\n')),
    );
    expect(rawDataOf(chunk!)).toBeUndefined();
    expect(openAIFrame(chunk!)).toBe('data: {"id":"c1","choices":[]}\n\n');
    expect(rawDataOf(keepRawData({}, 'a\rb'))).toBeUndefined();
  });
});
