import { describe, expect, it } from 'vitest';
import { BreakwaterError } from '../../errors/index.ts';
import { accumulateChatCompletion } from '../accumulate.fixture.ts';
import { parseOpenAIStream } from './stream.ts';
import type { ChatCompletionChunk } from './types.ts';

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

async function collect(source: AsyncIterable<ChatCompletionChunk>): Promise<ChatCompletionChunk[]> {
  const out: ChatCompletionChunk[] = [];
  for await (const chunk of source) out.push(chunk);
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

// provider-wire.md §4, verbatim except that the `…` the document elides in chunks 2–4 is filled
// in with the first chunk's `created`, `model` and `system_fingerprint`.
const TEXT_TRANSCRIPT = `data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1694268190,"model":"gpt-4o-mini","system_fingerprint":"fp_x","choices":[{"index":0,"delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}],"usage":null}

data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1694268190,"model":"gpt-4o-mini","system_fingerprint":"fp_x","choices":[{"index":0,"delta":{"content":"Hello"},"logprobs":null,"finish_reason":null}],"usage":null}

data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1694268190,"model":"gpt-4o-mini","system_fingerprint":"fp_x","choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}],"usage":null}

data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1694268190,"model":"gpt-4o-mini","system_fingerprint":"fp_x","choices":[],"usage":{"prompt_tokens":9,"completion_tokens":2,"total_tokens":11,"prompt_tokens_details":{"cached_tokens":0},"completion_tokens_details":{"reasoning_tokens":0}}}

data: [DONE]

`;

const BODY_FRAMES = TEXT_TRANSCRIPT.slice(0, TEXT_TRANSCRIPT.indexOf('data: [DONE]'));

const EXPECTED_COMPLETION = {
  id: 'chatcmpl-1',
  object: 'chat.completion',
  created: 1694268190,
  model: 'gpt-4o-mini',
  system_fingerprint: 'fp_x',
  choices: [
    {
      index: 0,
      message: { role: 'assistant', content: 'Hello', refusal: null },
      finish_reason: 'stop',
      logprobs: null,
    },
  ],
  usage: {
    prompt_tokens: 9,
    completion_tokens: 2,
    total_tokens: 11,
    prompt_tokens_details: { cached_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 0 },
  },
};

describe('parseOpenAIStream', () => {
  it('yields the transcript’s chunks and ends at [DONE]', async () => {
    const chunks = await collect(parseOpenAIStream(whole(TEXT_TRANSCRIPT)));
    expect(chunks).toHaveLength(4);
    expect(chunks[1]?.choices[0]?.delta.content).toBe('Hello');
    expect(chunks[2]?.choices[0]?.finish_reason).toBe('stop');
    expect(chunks[3]?.choices).toEqual([]);
    expect(chunks[3]?.usage?.prompt_tokens).toBe(9);
  });

  it('folds the transcript into the chat.completion', async () => {
    const completion = await accumulateChatCompletion(parseOpenAIStream(whole(TEXT_TRANSCRIPT)));
    expect(completion).toEqual(EXPECTED_COMPLETION);
  });

  it('gives the same chunks however the bytes are split', async () => {
    const reference = await collect(parseOpenAIStream(whole(TEXT_TRANSCRIPT)));
    expect(await collect(parseOpenAIStream(oneByteAtATime(TEXT_TRANSCRIPT)))).toEqual(reference);
    for (let seed = 1; seed <= 25; seed++) {
      expect(await collect(parseOpenAIStream(randomSplits(TEXT_TRANSCRIPT, seed)))).toEqual(
        reference,
      );
    }
  });

  it('reads CRLF line endings, split anywhere', async () => {
    const crlf = TEXT_TRANSCRIPT.replaceAll('\n', '\r\n');
    const reference = await collect(parseOpenAIStream(whole(TEXT_TRANSCRIPT)));
    expect(await collect(parseOpenAIStream(whole(crlf)))).toEqual(reference);
    expect(await collect(parseOpenAIStream(oneByteAtATime(crlf)))).toEqual(reference);
  });

  it('reads a fetch Response body', async () => {
    const response = new Response(TEXT_TRANSCRIPT);
    const completion = await accumulateChatCompletion(parseOpenAIStream(response.body!));
    expect(completion).toEqual(EXPECTED_COMPLETION);
  });

  it('ignores comments and anything after [DONE]', async () => {
    const text = `: keep-alive\n\n${TEXT_TRANSCRIPT}data: {not json\n\n`;
    expect(await collect(parseOpenAIStream(whole(text)))).toHaveLength(4);
  });

  describe('a stream cut before [DONE]', () => {
    it('is malformed_response, not a clean finish', async () => {
      const chunks: ChatCompletionChunk[] = [];
      const error = await failure(
        (async () => {
          for await (const chunk of parseOpenAIStream(whole(BODY_FRAMES))) chunks.push(chunk);
        })(),
      );
      expect(error.code).toBe('malformed_response');
      expect(error.retryable).toBe(true);
      expect(error.message).toContain('stream ended before [DONE]');
      expect(chunks).toHaveLength(4);
    });

    it('is malformed_response when cut inside a frame', async () => {
      const cut = TEXT_TRANSCRIPT.slice(0, TEXT_TRANSCRIPT.indexOf('"Hello"'));
      const error = await failure(collect(parseOpenAIStream(oneByteAtATime(cut))));
      expect(error.code).toBe('malformed_response');
    });

    it('is malformed_response when [DONE] lacks its blank line', async () => {
      const error = await failure(collect(parseOpenAIStream(whole(`${BODY_FRAMES}data: [DONE]`))));
      expect(error.code).toBe('malformed_response');
    });

    it('is malformed_response for an empty body', async () => {
      const error = await failure(collect(parseOpenAIStream(whole(''))));
      expect(error.code).toBe('malformed_response');
    });
  });

  describe('an error after the 200', () => {
    it('throws the classified error for a data-only frame with an error key', async () => {
      const frames = TEXT_TRANSCRIPT.split('\n\n');
      const text = `${frames[0]}\n\n${frames[1]}\n\ndata: {"error":{"message":"The server had an error while processing your request","type":"server_error","param":null,"code":null}}\n\n`;
      const seen: ChatCompletionChunk[] = [];
      const error = await failure(
        (async () => {
          for await (const chunk of parseOpenAIStream(whole(text), {
            provider: 'openai',
            model: 'gpt-4o-mini',
          })) {
            seen.push(chunk);
          }
        })(),
      );
      expect(error.code).toBe('server_error');
      expect(error.retryable).toBe(true);
      expect(error.provider).toBe('openai');
      expect(error.model).toBe('gpt-4o-mini');
      expect(seen).toHaveLength(2);
    });

    it('throws the classified error for an `event: error` frame', async () => {
      const text = `${BODY_FRAMES}event: error\ndata: {"message":"Rate limit reached for gpt-4o-mini","type":"tokens","param":null,"code":"rate_limit_exceeded"}\n\n`;
      const error = await failure(collect(parseOpenAIStream(oneByteAtATime(text))));
      expect(error.code).toBe('rate_limited');
    });

    it('classifies an `event: error` frame whose data is not JSON', async () => {
      const error = await failure(
        collect(parseOpenAIStream(whole('event: error\ndata: upstream exploded\n\n'))),
      );
      expect(error.code).not.toBe('malformed_response');
      expect(error.providerMessage ?? error.message).toContain('upstream exploded');
    });

    it('ignores a falsy error key', async () => {
      const text = TEXT_TRANSCRIPT.replace('"usage":null}', '"usage":null,"error":null}');
      expect(await collect(parseOpenAIStream(whole(text)))).toHaveLength(4);
    });
  });

  describe('malformed frames', () => {
    it('throws malformed_response for invalid JSON', async () => {
      const error = await failure(
        collect(parseOpenAIStream(whole('data: {"id":"chatcmpl-1",\n\ndata: [DONE]\n\n'))),
      );
      expect(error.code).toBe('malformed_response');
      expect(error.cause).toBeInstanceOf(SyntaxError);
    });

    it('throws malformed_response for JSON that is not an object', async () => {
      const error = await failure(
        collect(parseOpenAIStream(whole('data: [1,2]\n\ndata: [DONE]\n\n'))),
      );
      expect(error.code).toBe('malformed_response');
    });

    it('throws malformed_response when one line outgrows the buffer', async () => {
      const error = await failure(
        collect(parseOpenAIStream(whole(`data: "${'x'.repeat(200)}"\n\n`), { maxBufferSize: 100 })),
      );
      expect(error.code).toBe('malformed_response');
    });
  });
});
