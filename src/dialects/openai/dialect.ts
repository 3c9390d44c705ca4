/** The OpenAI Chat Completions dialect, as the engine sees it. */
import { randomBytes } from 'node:crypto';
import { ERROR_CODES } from '../../errors/codes.ts';
import type { BreakwaterError } from '../../errors/index.ts';
import { scrubSecretValuesDeep } from '../../errors/secret-values.ts';
import type { Dialect } from '../dialect.ts';
import { getHeader, type HeadersLike } from '../headers.ts';
import { clientErrorMessage } from '../render-error.ts';
import { OPENAI_DONE_FRAME, openAIFrame } from '../sse-encode.ts';
import type { Usage } from '../usage.ts';
import { ChatCompletionAccumulator } from './accumulator.ts';
import { replayChatCompletion } from './replay.ts';
import { parseOpenAIStream } from './stream.ts';
import type { ChatCompletion, ChatCompletionChunk, ChatCompletionRequest } from './types.ts';
import { fromOpenAIUsage } from './usage.ts';

/** Caller headers worth passing on to OpenAI. */
const FORWARDED = ['openai-organization', 'openai-project', 'openai-beta'] as const;

export const openaiDialect: Dialect<ChatCompletionRequest, ChatCompletion, ChatCompletionChunk> = {
  name: 'openai',
  path: '/v1/chat/completions',
  streamEnd: OPENAI_DONE_FRAME,

  upstreamHeaders(key: string | undefined, forwarded?: HeadersLike) {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (key) headers.authorization = `Bearer ${key}`;
    for (const name of FORWARDED) {
      const value = getHeader(forwarded, name);
      if (value) headers[name] = value;
    }
    return headers;
  },

  isStream: (request) => request.stream === true,

  maxTokens: (request) => request.max_completion_tokens ?? request.max_tokens ?? undefined,

  forTarget(request, model) {
    if (request.stream !== true) return request.model === model ? request : { ...request, model };
    return {
      ...request,
      model,
      stream_options: { ...request.stream_options, include_usage: true },
    };
  },

  wantsStreamUsage: (request) => request.stream_options?.include_usage === true,

  parseStream: (body, ctx) => parseOpenAIStream(body, ctx),

  isContent(chunk) {
    for (const choice of chunk.choices ?? []) {
      const delta = choice.delta;
      if (!delta) continue;
      if (delta.content || delta.refusal || delta.tool_calls?.length || delta.function_call)
        return true;
      if (choice.finish_reason) return true;
    }
    return false;
  },

  isUsageOnly: (chunk) => (chunk.choices?.length ?? 0) === 0 && !!chunk.usage,

  frame: (chunk) => openAIFrame(chunk),

  errorFrame(error: BreakwaterError) {
    // Scrubbed of key values here as error bodies are in renderError: a client reads it.
    return openAIFrame(
      scrubSecretValuesDeep({
        error: {
          message: clientErrorMessage(error),
          type: ERROR_CODES[error.code].openaiType,
          param: error.param ?? null,
          code: error.providerCode ?? error.code,
        },
      }),
    );
  },

  accumulator(ctx) {
    const acc = new ChatCompletionAccumulator(ctx);
    return { add: (chunk) => acc.add(chunk), result: () => acc.toCompletion() };
  },

  refusal(response) {
    for (const choice of response.choices) {
      if (choice.finish_reason === 'content_filter') return 'finish_reason content_filter';
      if (choice.message.refusal) return 'refusal';
    }
    return undefined;
  },

  textAnswer(text, model, nowMs) {
    return {
      id: `chatcmpl-bw${randomBytes(12).toString('hex')}`,
      object: 'chat.completion',
      created: Math.floor(nowMs / 1000),
      model,
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: text, refusal: null },
          finish_reason: 'stop',
          logprobs: null,
        },
      ],
      usage: { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 },
    };
  },

  responseUsage: (response) => (response.usage ? fromOpenAIUsage(response.usage) : undefined),

  usageTracker() {
    let usage: Usage | undefined;
    let stopReason: string | undefined;
    return {
      add(chunk) {
        if (chunk.usage) usage = fromOpenAIUsage(chunk.usage);
        const reason = chunk.choices?.[0]?.finish_reason;
        if (reason) stopReason = reason;
      },
      get stopReason() {
        return stopReason;
      },
      get usage() {
        return usage;
      },
    };
  },

  replay: (response, includeUsage) => replayChatCompletion(response, { includeUsage }),
};
