/**
 * Reading an OpenAI Chat Completions stream: SSE bytes in, typed chunks out, ending cleanly only
 * at `data: [DONE]`. An error frame after the 200 (`event: error`, or any frame whose JSON has a
 * truthy `error` key, as openai-node checks) throws the classified error; bad JSON, a buffer
 * overflow, or bytes that end before `[DONE]` throw `malformed_response`, because the SDK's
 * low-level stream would have taken a cut connection for a clean finish.
 */
import { malformedResponse } from '../../errors/index.ts';
import { classifyStreamError } from '../classify.ts';
import type { DialectContext } from '../dialect-name.ts';
import { keepRawData } from '../raw-data.ts';
import {
  type ByteSource,
  decodeSse,
  isJsonObject,
  parseSseJson,
  SseBufferOverflowError,
  type SseDecodeOptions,
} from '../sse.ts';
import type { ChatCompletionChunk } from './types.ts';

export interface OpenAIStreamOptions extends DialectContext, SseDecodeOptions {}

/**
 * Yields each `chat.completion.chunk` of an OpenAI stream and returns at `[DONE]`, ignoring
 * anything after it. Frames with empty data are skipped. Throws a `BreakwaterError` (see above);
 * errors of the byte source itself (a reset, an abort) pass through unchanged for the caller to
 * classify as network failures.
 */
export async function* parseOpenAIStream(
  source: ByteSource,
  options: OpenAIStreamOptions = {},
): AsyncGenerator<ChatCompletionChunk, void> {
  const ctx = { provider: options.provider, model: options.model };
  let frame = 0;
  try {
    for await (const message of decodeSse(source, options)) {
      frame++;
      const data = message.data.trim();
      if (data === '[DONE]') return;
      if (data === '') continue;
      const json = parseSseJson(data);
      if (message.event === 'error') {
        throw classifyStreamError({ dialect: 'openai', data: json.ok ? json.value : data, ...ctx });
      }
      if (!json.ok) {
        throw malformedResponse(`stream frame ${frame} is not valid JSON`, {
          ...ctx,
          cause: json.error,
        });
      }
      if (!isJsonObject(json.value)) {
        throw malformedResponse(`stream frame ${frame} is not a JSON object`, ctx);
      }
      if (json.value.error) {
        throw classifyStreamError({ dialect: 'openai', data: json.value, ...ctx });
      }
      yield keepRawData(json.value, data) as ChatCompletionChunk;
    }
  } catch (error) {
    if (error instanceof SseBufferOverflowError) {
      throw malformedResponse(error.message, { ...ctx, cause: error });
    }
    throw error;
  }
  throw malformedResponse(`stream ended before [DONE] after ${frame} frames`, ctx);
}
