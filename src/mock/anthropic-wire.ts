/**
 * Anthropic Messages bodies for a simulated answer: the `message` object and its event stream
 * (message_start, content_block_start, ping, content_block_delta…, content_block_stop,
 * message_delta with cumulative usage, message_stop), every frame with an `event:` line matching
 * its data's `type`, per provider-wire.md §4.
 */

import type { Completion } from './completion.ts';
import { ids } from './ids.ts';
import type { Random } from './prng.ts';
import { eventFrame, type Frame, fragments } from './sse.ts';

export interface AnthropicContext {
  model: string;
  random: Random;
}

const STOP = {
  end: 'end_turn',
  length: 'max_tokens',
  tool: 'tool_use',
  refusal: 'refusal',
} as const;

function usage(c: Completion, outputTokens: number) {
  return {
    input_tokens: c.inputTokens,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 0,
    cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 0 },
    output_tokens: outputTokens,
    service_tier: 'standard',
  };
}

function contentBlocks(c: Completion, random: Random): object[] {
  if (c.tool)
    return [{ type: 'tool_use', id: ids.toolUse(random), name: c.tool.name, input: c.tool.input }];
  return c.pieces.length === 0 ? [] : [{ type: 'text', text: c.pieces.join('') }];
}

export function anthropicBody(c: Completion, ctx: AnthropicContext): unknown {
  return {
    id: ids.message(ctx.random),
    type: 'message',
    role: 'assistant',
    model: ctx.model,
    content: contentBlocks(c, ctx.random),
    stop_reason: STOP[c.stop],
    stop_sequence: null,
    usage: usage(c, c.outputTokens),
  };
}

export function anthropicStream(c: Completion, ctx: AnthropicContext): Frame[] {
  const frames: Frame[] = [];
  const event = (type: string, data: object, tokens = 0) =>
    frames.push(eventFrame(type, { type, ...data }, tokens));
  event('message_start', {
    message: {
      id: ids.message(ctx.random),
      type: 'message',
      role: 'assistant',
      model: ctx.model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: usage(c, 1),
    },
  });
  if (c.tool) {
    const block = { type: 'tool_use', id: ids.toolUse(ctx.random), name: c.tool.name, input: {} };
    event('content_block_start', { index: 0, content_block: block });
    event('ping', {});
    const parts = ['', ...fragments(c.tool.json)];
    const perPart = Math.ceil(c.outputTokens / parts.length);
    for (const part of parts) {
      event(
        'content_block_delta',
        { index: 0, delta: { type: 'input_json_delta', partial_json: part } },
        perPart,
      );
    }
    event('content_block_stop', { index: 0 });
  } else if (c.pieces.length > 0) {
    event('content_block_start', { index: 0, content_block: { type: 'text', text: '' } });
    event('ping', {});
    for (const text of c.pieces) {
      event('content_block_delta', { index: 0, delta: { type: 'text_delta', text } }, 1);
    }
    event('content_block_stop', { index: 0 });
  } else {
    event('ping', {});
  }
  const { cache_creation: _, service_tier: __, ...cumulative } = usage(c, c.outputTokens);
  event('message_delta', {
    delta: { stop_reason: STOP[c.stop], stop_sequence: null },
    usage: cumulative,
  });
  event('message_stop', {});
  return frames;
}

/** The error event after a 200; it has no `request_id`, as the docs say. */
export function anthropicStreamError(): Frame {
  return eventFrame('error', {
    type: 'error',
    error: { type: 'overloaded_error', message: 'Overloaded' },
  });
}

/** A frame whose JSON breaks off. */
export function anthropicMalformedFrame(): Frame {
  return {
    text: 'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_de\n\n',
    tokens: 0,
  };
}
