/**
 * Anthropic usage to and from the normalized `Usage` (see ../usage.ts for the normalization).
 * Anthropic already splits input the same way: `input_tokens` excludes cache reads and writes.
 * It reports no separate thinking count, so `reasoningTokens` is 0 coming in and dropped going
 * out (thinking is already inside `output_tokens`).
 */
import { tokenCount, type Usage } from '../usage.ts';
import type { AnthropicUsage, MessageDeltaUsage } from './types.ts';

/** The normalized usage of an Anthropic `usage` (a message's, or a `message_delta`'s). */
export function fromAnthropicUsage(usage: AnthropicUsage | MessageDeltaUsage): Usage {
  return {
    inputTokens: tokenCount(usage.input_tokens),
    outputTokens: tokenCount(usage.output_tokens),
    cacheReadInputTokens: tokenCount(usage.cache_read_input_tokens),
    cacheCreationInputTokens: tokenCount(usage.cache_creation_input_tokens),
    reasoningTokens: 0,
    estimated: false,
  };
}

/** An Anthropic `usage` object for a normalized usage (e.g. an OpenAI answer in Anthropic dialect). */
export function toAnthropicUsage(usage: Usage): AnthropicUsage {
  return {
    input_tokens: usage.inputTokens,
    output_tokens: usage.outputTokens,
    cache_creation_input_tokens: usage.cacheCreationInputTokens,
    cache_read_input_tokens: usage.cacheReadInputTokens,
  };
}
