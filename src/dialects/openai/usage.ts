/**
 * OpenAI usage to and from the normalized `Usage` (see ../usage.ts for the normalization).
 * OpenAI's `prompt_tokens` includes `cached_tokens`, so the uncached input is the difference;
 * OpenAI has no cache-write count, so cache creation is 0 coming in and folds into
 * `prompt_tokens` going out.
 */
import { tokenCount, type Usage } from '../usage.ts';
import type { OpenAIUsage } from './types.ts';

/** The normalized usage of an OpenAI `usage` object. */
export function fromOpenAIUsage(usage: OpenAIUsage): Usage {
  const prompt = tokenCount(usage.prompt_tokens);
  const cached = Math.min(tokenCount(usage.prompt_tokens_details?.cached_tokens), prompt);
  return {
    inputTokens: prompt - cached,
    outputTokens: tokenCount(usage.completion_tokens),
    cacheReadInputTokens: cached,
    cacheCreationInputTokens: 0,
    reasoningTokens: tokenCount(usage.completion_tokens_details?.reasoning_tokens),
    estimated: false,
  };
}

/** An OpenAI `usage` object for a normalized usage (e.g. an Anthropic answer in OpenAI dialect). */
export function toOpenAIUsage(usage: Usage): OpenAIUsage {
  const prompt = usage.inputTokens + usage.cacheReadInputTokens + usage.cacheCreationInputTokens;
  return {
    prompt_tokens: prompt,
    completion_tokens: usage.outputTokens,
    total_tokens: prompt + usage.outputTokens,
    prompt_tokens_details: { cached_tokens: usage.cacheReadInputTokens },
    completion_tokens_details: { reasoning_tokens: usage.reasoningTokens },
  };
}
