import { describe, expect, it } from 'vitest';
import { BreakwaterError } from '../../errors/index.ts';
import { accumulateMessage } from '../accumulate.fixture.ts';
import type { SseMessage } from '../sse.ts';
import { parseAnthropicStream } from './stream.ts';
import type { AnthropicStreamEvent } from './types.ts';

const encoder = new TextEncoder();

async function* bytes(chunks: Uint8Array[]): AsyncGenerator<Uint8Array> {
  yield* chunks;
}

function whole(text: string): AsyncGenerator<Uint8Array> {
  return bytes([encoder.encode(text)]);
}

function oneByteAtATime(text: string): AsyncGenerator<Uint8Array> {
  return bytes([...encoder.encode(text)].map((byte) => Uint8Array.of(byte)));
}

/** Splits at random points from a seeded generator, so a failure can be replayed. */
function randomSplits(text: string, seed: number): AsyncGenerator<Uint8Array> {
  const all = encoder.encode(text);
  let state = seed;
  const random = () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
  const out: Uint8Array[] = [];
  for (let at = 0; at < all.length; ) {
    const size = 1 + Math.floor(random() * 40);
    out.push(all.slice(at, at + size));
    at += size;
  }
  return bytes(out);
}

async function collect(
  source: AsyncIterable<AnthropicStreamEvent>,
): Promise<AnthropicStreamEvent[]> {
  const out: AnthropicStreamEvent[] = [];
  for await (const event of source) out.push(event);
  return out;
}

async function failure(promise: Promise<unknown>): Promise<BreakwaterError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(BreakwaterError);
  return error as BreakwaterError;
}

// provider-wire.md §4, verbatim: the docs' tool-use streaming example, with a ping.
const TOOL_USE_TRANSCRIPT = `event: message_start
data: {"type":"message_start","message":{"id":"msg_014p7gG3wDgGV9EUtLvnow3U","type":"message","role":"assistant","model":"claude-opus-5","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":472,"output_tokens":2}}}

event: content_block_start
data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}

event: ping
data: {"type": "ping"}

event: content_block_delta
data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Okay"}}

event: content_block_stop
data: {"type":"content_block_stop","index":0}

event: content_block_start
data: {"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"toolu_01T1x1fJ34qAmk2tNTrN7Up6","name":"get_weather","input":{}}}

event: content_block_delta
data: {"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":""}}

event: content_block_delta
data: {"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"{\\"location\\":"}}

event: content_block_delta
data: {"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":" \\"San Francisco, CA\\"}"}}

event: content_block_stop
data: {"type":"content_block_stop","index":1}

event: message_delta
data: {"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},"usage":{"output_tokens":89}}

event: message_stop
data: {"type":"message_stop"}

`;

const WITHOUT_STOP = TOOL_USE_TRANSCRIPT.slice(
  0,
  TOOL_USE_TRANSCRIPT.indexOf('event: message_stop'),
);

const EVENT_TYPES = [
  'message_start',
  'content_block_start',
  'ping',
  'content_block_delta',
  'content_block_stop',
  'content_block_start',
  'content_block_delta',
  'content_block_delta',
  'content_block_delta',
  'content_block_stop',
  'message_delta',
  'message_stop',
];

const EXPECTED_MESSAGE = {
  id: 'msg_014p7gG3wDgGV9EUtLvnow3U',
  type: 'message',
  role: 'assistant',
  model: 'claude-opus-5',
  content: [
    { type: 'text', text: 'Okay' },
    {
      type: 'tool_use',
      id: 'toolu_01T1x1fJ34qAmk2tNTrN7Up6',
      name: 'get_weather',
      input: { location: 'San Francisco, CA' },
    },
  ],
  stop_reason: 'tool_use',
  stop_sequence: null,
  usage: { input_tokens: 472, output_tokens: 89 },
};

const OVERLOADED = `event: error
data: {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}

`;

describe('parseAnthropicStream', () => {
  it('yields every event of the tool-use transcript, ping included, ending at message_stop', async () => {
    const events = await collect(parseAnthropicStream(whole(TOOL_USE_TRANSCRIPT)));
    expect(events.map((e) => e.type)).toEqual(EVENT_TYPES);
  });

  it('drops pings when asked', async () => {
    const events = await collect(
      parseAnthropicStream(whole(TOOL_USE_TRANSCRIPT), { skipPing: true }),
    );
    expect(events.map((e) => e.type)).toEqual(EVENT_TYPES.filter((t) => t !== 'ping'));
  });

  it('folds the transcript into the message, tool input parsed from its fragments', async () => {
    const message = await accumulateMessage(parseAnthropicStream(whole(TOOL_USE_TRANSCRIPT)));
    expect(message).toEqual(EXPECTED_MESSAGE);
  });

  it('gives the same events however the bytes are split', async () => {
    const reference = await collect(parseAnthropicStream(whole(TOOL_USE_TRANSCRIPT)));
    expect(await collect(parseAnthropicStream(oneByteAtATime(TOOL_USE_TRANSCRIPT)))).toEqual(
      reference,
    );
    for (let seed = 1; seed <= 25; seed++) {
      expect(await collect(parseAnthropicStream(randomSplits(TOOL_USE_TRANSCRIPT, seed)))).toEqual(
        reference,
      );
    }
  });

  it('reads CRLF line endings, split anywhere', async () => {
    const crlf = TOOL_USE_TRANSCRIPT.replaceAll('\n', '\r\n');
    const reference = await collect(parseAnthropicStream(whole(TOOL_USE_TRANSCRIPT)));
    expect(await collect(parseAnthropicStream(whole(crlf)))).toEqual(reference);
    expect(await collect(parseAnthropicStream(oneByteAtATime(crlf)))).toEqual(reference);
    expect(await accumulateMessage(parseAnthropicStream(randomSplits(crlf, 7)))).toEqual(
      EXPECTED_MESSAGE,
    );
  });

  it('reads a fetch Response body', async () => {
    const response = new Response(TOOL_USE_TRANSCRIPT);
    expect(await accumulateMessage(parseAnthropicStream(response.body!))).toEqual(EXPECTED_MESSAGE);
  });

  it('hands unknown events to onUnknownEvent in order, and never fails on them', async () => {
    const [head, ...rest] = TOOL_USE_TRANSCRIPT.split('\n\n');
    const text = [
      head,
      'event: brand_new_event\ndata: {"type":"brand_new_event","x":1}',
      'event: not_json_either\ndata: hello',
      ...rest,
    ].join('\n\n');
    const order: string[] = [];
    const unknown: SseMessage[] = [];
    for await (const event of parseAnthropicStream(whole(text), {
      onUnknownEvent: (message) => {
        unknown.push(message);
        order.push(message.event ?? '?');
      },
    })) {
      order.push(event.type);
    }
    expect(unknown).toEqual([
      { event: 'brand_new_event', data: '{"type":"brand_new_event","x":1}' },
      { event: 'not_json_either', data: 'hello' },
    ]);
    expect(order.slice(0, 4)).toEqual([
      'message_start',
      'brand_new_event',
      'not_json_either',
      'content_block_start',
    ]);
    // Without a handler they are dropped.
    expect((await collect(parseAnthropicStream(whole(text)))).map((e) => e.type)).toEqual(
      EVENT_TYPES,
    );
  });

  it('takes the event name from the data when a frame has no event line', async () => {
    const text = TOOL_USE_TRANSCRIPT.replaceAll(/^event: .*\n/gm, '');
    expect((await collect(parseAnthropicStream(whole(text)))).map((e) => e.type)).toEqual(
      EVENT_TYPES,
    );
  });

  describe('an error after the 200', () => {
    it('throws overloaded, retryable, for a mid-stream overloaded_error', async () => {
      const text = `${TOOL_USE_TRANSCRIPT.split('event: content_block_stop')[0]}${OVERLOADED}`;
      const seen: string[] = [];
      const error = await failure(
        (async () => {
          for await (const event of parseAnthropicStream(oneByteAtATime(text), {
            provider: 'anthropic',
            model: 'claude-opus-5',
          })) {
            seen.push(event.type);
          }
        })(),
      );
      expect(error.code).toBe('overloaded');
      expect(error.retryable).toBe(true);
      expect(error.provider).toBe('anthropic');
      expect(error.model).toBe('claude-opus-5');
      expect(seen).toEqual(['message_start', 'content_block_start', 'ping', 'content_block_delta']);
    });

    it('classifies other error types by their type', async () => {
      const text = OVERLOADED.replace('overloaded_error', 'api_error');
      const error = await failure(collect(parseAnthropicStream(whole(text))));
      expect(error.code).toBe('server_error');
    });

    it('classifies an error frame whose data is not JSON rather than calling it malformed', async () => {
      const error = await failure(
        collect(parseAnthropicStream(whole('event: error\ndata: boom\n\n'))),
      );
      expect(error.code).not.toBe('malformed_response');
    });

    it('classifies an error frame without an event line', async () => {
      const text = OVERLOADED.replace('event: error\n', '');
      const error = await failure(collect(parseAnthropicStream(whole(text))));
      expect(error.code).toBe('overloaded');
    });
  });

  describe('a stream cut before message_stop', () => {
    it('is malformed_response, not a clean finish', async () => {
      const error = await failure(collect(parseAnthropicStream(whole(WITHOUT_STOP))));
      expect(error.code).toBe('malformed_response');
      expect(error.retryable).toBe(true);
      expect(error.message).toContain('stream ended before message_stop');
    });

    it('is malformed_response when cut inside a frame', async () => {
      const cut = TOOL_USE_TRANSCRIPT.slice(0, TOOL_USE_TRANSCRIPT.indexOf('San Francisco'));
      const error = await failure(collect(parseAnthropicStream(randomSplits(cut, 3))));
      expect(error.code).toBe('malformed_response');
    });

    it('is malformed_response when message_stop lacks its blank line', async () => {
      const text = TOOL_USE_TRANSCRIPT.trimEnd();
      const error = await failure(collect(parseAnthropicStream(whole(text))));
      expect(error.code).toBe('malformed_response');
    });
  });

  describe('malformed frames', () => {
    it('throws malformed_response for invalid JSON', async () => {
      const text = TOOL_USE_TRANSCRIPT.replace(
        '{"type":"content_block_stop","index":0}',
        '{"type":',
      );
      const error = await failure(collect(parseAnthropicStream(whole(text))));
      expect(error.code).toBe('malformed_response');
      expect(error.cause).toBeInstanceOf(SyntaxError);
    });

    it('throws malformed_response when data has no type', async () => {
      const error = await failure(
        collect(parseAnthropicStream(whole('event: message_start\ndata: {"message":{}}\n\n'))),
      );
      expect(error.code).toBe('malformed_response');
    });

    it('throws malformed_response when the event name and data type disagree', async () => {
      const error = await failure(
        collect(parseAnthropicStream(whole('event: message_stop\ndata: {"type":"ping"}\n\n'))),
      );
      expect(error.code).toBe('malformed_response');
    });
  });
});
