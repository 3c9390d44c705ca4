/**
 * OpenAI Chat Completions bodies for a simulated answer: the `chat.completion` object and the
 * `chat.completion.chunk` stream (role delta, content or tool-call deltas, a finish_reason
 * chunk, a usage chunk with `choices: []` when `stream_options.include_usage`, `data: [DONE]`),
 * per provider-wire.md §4.
 */

import type { Completion } from './completion.ts';
import { ids } from './ids.ts';
import type { Random } from './prng.ts';
import { dataFrame, type Frame, fragments } from './sse.ts';

export interface OpenAIContext {
  model: string;
  /** Unix seconds. */
  created: number;
  random: Random;
  includeUsage: boolean;
}

const FINISH = {
  end: 'stop',
  length: 'length',
  tool: 'tool_calls',
  refusal: 'content_filter',
} as const;

function usage(c: Completion) {
  return {
    prompt_tokens: c.inputTokens,
    completion_tokens: c.outputTokens,
    total_tokens: c.inputTokens + c.outputTokens,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: 0,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}

export function openaiBody(c: Completion, ctx: OpenAIContext): unknown {
  const toolCall = c.tool && {
    id: ids.toolCall(ctx.random),
    type: 'function',
    function: { name: c.tool.name, arguments: c.tool.json },
  };
  return {
    id: ids.chatCompletion(ctx.random),
    object: 'chat.completion',
    created: ctx.created,
    model: ctx.model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: toolCall ? null : c.pieces.join(''),
          refusal: null,
          annotations: [],
          ...(toolCall ? { tool_calls: [toolCall] } : {}),
        },
        logprobs: null,
        finish_reason: FINISH[c.stop],
      },
    ],
    usage: usage(c),
    service_tier: 'default',
    system_fingerprint: ids.fingerprint(ctx.random),
  };
}

export function openaiStream(c: Completion, ctx: OpenAIContext): Frame[] {
  const id = ids.chatCompletion(ctx.random);
  const fingerprint = ids.fingerprint(ctx.random);
  const chunk = (delta: object, finish: string | null = null, tokens = 0): Frame =>
    dataFrame(
      {
        id,
        object: 'chat.completion.chunk',
        created: ctx.created,
        model: ctx.model,
        service_tier: 'default',
        system_fingerprint: fingerprint,
        choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
        ...(ctx.includeUsage ? { usage: null } : {}),
      },
      tokens,
    );
  const frames: Frame[] = [];
  if (c.tool) {
    const head = {
      index: 0,
      id: ids.toolCall(ctx.random),
      type: 'function',
      function: { name: c.tool.name, arguments: '' },
    };
    frames.push(chunk({ role: 'assistant', content: null, tool_calls: [head], refusal: null }));
    const parts = fragments(c.tool.json);
    const perPart = Math.ceil(c.outputTokens / parts.length);
    for (const part of parts) {
      frames.push(
        chunk({ tool_calls: [{ index: 0, function: { arguments: part } }] }, null, perPart),
      );
    }
  } else {
    frames.push(chunk({ role: 'assistant', content: '', refusal: null }));
    for (const piece of c.pieces) frames.push(chunk({ content: piece }, null, 1));
  }
  frames.push(chunk({}, FINISH[c.stop]));
  if (ctx.includeUsage) {
    frames.push(
      dataFrame({
        id,
        object: 'chat.completion.chunk',
        created: ctx.created,
        model: ctx.model,
        service_tier: 'default',
        system_fingerprint: fingerprint,
        choices: [],
        usage: usage(c),
      }),
    );
  }
  frames.push(dataFrame('[DONE]'));
  return frames;
}

/** An error after the 200: a data frame with an `error` key, which the SDK throws on. */
export function openaiStreamError(): Frame {
  return dataFrame({
    error: {
      message: 'The server had an error while processing your request. Sorry about that!',
      type: 'server_error',
      param: null,
      code: null,
    },
  });
}

/** A frame whose JSON breaks off. */
export function openaiMalformedFrame(model: string): Frame {
  const head = `{"id":"chatcmpl-x","object":"chat.completion.chunk","model":${JSON.stringify(model)}`;
  return { text: `data: ${head},"choices":[{"delta":{"content":"Hel\n\n`, tokens: 0 };
}
