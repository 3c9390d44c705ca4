/** The Anthropic Messages dialect, as the engine sees it. */
import { randomBytes } from 'node:crypto';
import type { BreakwaterError } from '../../errors/index.ts';
import { scrubSecretValuesDeep } from '../../errors/secret-values.ts';
import type { Dialect } from '../dialect.ts';
import { getHeader, type HeadersLike } from '../headers.ts';
import { anthropicErrorType, clientErrorMessage } from '../render-error.ts';
import { anthropicFrame } from '../sse-encode.ts';
import type { Usage } from '../usage.ts';
import { MessageAccumulator } from './accumulator.ts';
import { replayMessage } from './replay.ts';
import { parseAnthropicStream } from './stream.ts';
import type {
  AnthropicMessage,
  AnthropicStreamEvent,
  AnthropicUsage,
  MessageCreateRequest,
} from './types.ts';
import { fromAnthropicUsage } from './usage.ts';

/** The API version the official SDKs pin; a caller's own `anthropic-version` wins. */
export const ANTHROPIC_VERSION = '2023-06-01';

export const anthropicDialect: Dialect<
  MessageCreateRequest,
  AnthropicMessage,
  AnthropicStreamEvent
> = {
  name: 'anthropic',
  path: '/v1/messages',
  streamEnd: '',

  upstreamHeaders(key: string | undefined, forwarded?: HeadersLike) {
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'anthropic-version': getHeader(forwarded, 'anthropic-version') ?? ANTHROPIC_VERSION,
    };
    if (key) headers['x-api-key'] = key;
    const beta = getHeader(forwarded, 'anthropic-beta');
    if (beta) headers['anthropic-beta'] = beta;
    return headers;
  },

  isStream: (request) => request.stream === true,

  maxTokens: (request) => request.max_tokens,

  forTarget: (request, model) => (request.model === model ? request : { ...request, model }),

  // Anthropic streams always carry usage.
  wantsStreamUsage: () => true,

  parseStream: (body, ctx) => parseAnthropicStream(body, ctx),

  isContent(event) {
    if (event.type === 'content_block_delta') return true;
    if (event.type === 'content_block_start') return event.content_block.type !== 'text';
    return event.type === 'message_delta' || event.type === 'message_stop';
  },

  isUsageOnly: () => false,

  frame: (event) => anthropicFrame(event),

  errorFrame(error: BreakwaterError) {
    // Scrubbed of key values here as error bodies are in renderError: a client reads it.
    return anthropicFrame(
      scrubSecretValuesDeep({
        type: 'error' as const,
        error: { type: anthropicErrorType(error), message: clientErrorMessage(error) },
      }),
    );
  },

  accumulator(ctx) {
    const acc = new MessageAccumulator(ctx);
    return { add: (event) => acc.add(event), result: () => acc.toMessage() };
  },

  refusal: (response) => (response.stop_reason === 'refusal' ? 'stop_reason refusal' : undefined),

  textAnswer(text, model) {
    return {
      id: `msg_bw${randomBytes(12).toString('hex')}`,
      type: 'message',
      role: 'assistant',
      model,
      content: [{ type: 'text', text }],
      stop_reason: 'end_turn',
      stop_sequence: null,
      usage: { input_tokens: 0, output_tokens: 0 },
    };
  },

  responseUsage: (response) => (response.usage ? fromAnthropicUsage(response.usage) : undefined),

  usageTracker() {
    // message_start carries the input side; message_delta's usage is cumulative and may leave
    // fields null, which keep their earlier value.
    let raw: Record<string, unknown> | undefined;
    let stopReason: string | undefined;
    const merge = (fields: object) => {
      raw ??= {};
      for (const [name, value] of Object.entries(fields))
        if (value !== null && value !== undefined) raw[name] = value;
    };
    return {
      add(event) {
        if (event.type === 'message_start' && event.message.usage) merge(event.message.usage);
        else if (event.type === 'message_delta') {
          if (event.usage) merge(event.usage);
          stopReason = event.delta?.stop_reason ?? stopReason;
        }
      },
      get stopReason() {
        return stopReason;
      },
      get usage(): Usage | undefined {
        return raw ? fromAnthropicUsage(raw as unknown as AnthropicUsage) : undefined;
      },
    };
  },

  replay: (response) => replayMessage(response),
};
