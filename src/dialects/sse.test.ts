import { describe, expect, it } from 'vitest';
import { decodeSse, SseBufferOverflowError, type SseMessage } from './sse.ts';

const encoder = new TextEncoder();

async function* pieces(parts: Array<string | Uint8Array>): AsyncGenerator<Uint8Array | string> {
  yield* parts;
}

async function collect(source: AsyncIterable<SseMessage>): Promise<SseMessage[]> {
  const out: SseMessage[] = [];
  for await (const message of source) out.push(message);
  return out;
}

function byteByByte(text: string): Uint8Array[] {
  return [...encoder.encode(text)].map((byte) => Uint8Array.of(byte));
}

const text =
  'event: a\ndata: {"x":1}\n\n: keep-alive\n\ndata: line1\ndata: line2\n\ndata: [DONE]\n\n';
const expected: SseMessage[] = [
  { event: 'a', data: '{"x":1}' },
  { data: 'line1\nline2' },
  { data: '[DONE]' },
];

describe('decodeSse', () => {
  it('decodes events, drops comments, joins multi-line data', async () => {
    expect(await collect(decodeSse(pieces([text])))).toEqual(expected);
  });

  it('is indifferent to how bytes are split, even inside a multi-byte character', async () => {
    const emoji = 'data: {"t":"héllo 👋"}\n\n';
    expect(await collect(decodeSse(pieces(byteByByte(text + emoji))))).toEqual([
      ...expected,
      { data: '{"t":"héllo 👋"}' },
    ]);
  });

  it('accepts CRLF and bare CR line endings', async () => {
    expect(await collect(decodeSse(pieces([text.replaceAll('\n', '\r\n')])))).toEqual(expected);
    expect(await collect(decodeSse(pieces(byteByByte(text.replaceAll('\n', '\r\n')))))).toEqual(
      expected,
    );
    expect(await collect(decodeSse(pieces([text.replaceAll('\n', '\r')])))).toEqual(expected);
  });

  it('reads a web ReadableStream', async () => {
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const chunk of byteByByte(text)) controller.enqueue(chunk);
        controller.close();
      },
    });
    expect(await collect(decodeSse(stream))).toEqual(expected);
  });

  it('cancels a ReadableStream when the consumer stops early', async () => {
    let cancelled = false;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.enqueue(encoder.encode('data: more\n\n'));
      },
      cancel() {
        cancelled = true;
      },
    });
    for await (const message of decodeSse(stream)) {
      expect(message.data).toBe('more');
      break;
    }
    expect(cancelled).toBe(true);
  });

  it('discards an event whose blank line never came', async () => {
    expect(await collect(decodeSse(pieces(['data: one\n\ndata: two\n'])))).toEqual([
      { data: 'one' },
    ]);
  });

  it('passes errors of the source through unchanged', async () => {
    const reset = new Error('socket hang up');
    async function* failing(): AsyncGenerator<string> {
      yield 'data: one\n\n';
      throw reset;
    }
    const seen: string[] = [];
    await expect(async () => {
      for await (const message of decodeSse(failing())) seen.push(message.data);
    }).rejects.toBe(reset);
    expect(seen).toEqual(['one']);
  });

  it('gives up on a line longer than maxBufferSize', async () => {
    const source = pieces(['data: ', 'x'.repeat(50), 'x'.repeat(50), '\n\n']);
    await expect(collect(decodeSse(source, { maxBufferSize: 64 }))).rejects.toBeInstanceOf(
      SseBufferOverflowError,
    );
  });
});
