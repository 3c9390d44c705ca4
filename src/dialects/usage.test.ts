import { describe, expect, it } from 'vitest';
import { fromAnthropicUsage, toAnthropicUsage } from './anthropic/usage.ts';
import { fromOpenAIUsage, toOpenAIUsage } from './openai/usage.ts';
import { totalInputTokens } from './usage.ts';

describe('OpenAI usage', () => {
  it('takes cached tokens out of prompt_tokens', () => {
    const usage = fromOpenAIUsage({
      prompt_tokens: 2006,
      completion_tokens: 300,
      total_tokens: 2306,
      prompt_tokens_details: { cached_tokens: 1920, audio_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 192 },
    });
    expect(usage).toEqual({
      inputTokens: 86,
      outputTokens: 300,
      cacheReadInputTokens: 1920,
      cacheCreationInputTokens: 0,
      reasoningTokens: 192,
      estimated: false,
    });
    expect(totalInputTokens(usage)).toBe(2006);
  });

  it('reads the usage chunk of the streaming transcript, and tolerates missing details', () => {
    const transcript = {
      prompt_tokens: 9,
      completion_tokens: 2,
      total_tokens: 11,
      prompt_tokens_details: { cached_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 0 },
    };
    expect(fromOpenAIUsage(transcript)).toMatchObject({ inputTokens: 9, outputTokens: 2 });
    expect(
      fromOpenAIUsage({
        prompt_tokens: 5,
        completion_tokens: 1,
        total_tokens: 6,
        prompt_tokens_details: null,
      }),
    ).toMatchObject({ inputTokens: 5, cacheReadInputTokens: 0, reasoningTokens: 0 });
  });

  it('round-trips through the OpenAI shape', () => {
    const openai = {
      prompt_tokens: 2006,
      completion_tokens: 300,
      total_tokens: 2306,
      prompt_tokens_details: { cached_tokens: 1920 },
      completion_tokens_details: { reasoning_tokens: 192 },
    };
    expect(toOpenAIUsage(fromOpenAIUsage(openai))).toEqual(openai);
  });
});

describe('Anthropic usage', () => {
  it('keeps input_tokens as the uncached input', () => {
    const usage = fromAnthropicUsage({
      input_tokens: 50,
      output_tokens: 503,
      cache_creation_input_tokens: 2048,
      cache_read_input_tokens: 10_000,
    });
    expect(usage).toEqual({
      inputTokens: 50,
      outputTokens: 503,
      cacheReadInputTokens: 10_000,
      cacheCreationInputTokens: 2048,
      reasoningTokens: 0,
      estimated: false,
    });
    expect(totalInputTokens(usage)).toBe(12_098);
  });

  it('treats null cache fields as 0', () => {
    expect(
      fromAnthropicUsage({ output_tokens: 89, input_tokens: null, cache_read_input_tokens: null }),
    ).toMatchObject({ inputTokens: 0, outputTokens: 89, cacheReadInputTokens: 0 });
  });

  it('round-trips through the Anthropic shape', () => {
    const anthropic = {
      input_tokens: 50,
      output_tokens: 503,
      cache_creation_input_tokens: 2048,
      cache_read_input_tokens: 10_000,
    };
    expect(toAnthropicUsage(fromAnthropicUsage(anthropic))).toEqual(anthropic);
  });
});

describe('across dialects', () => {
  it('an Anthropic usage rendered for OpenAI counts every input token in prompt_tokens', () => {
    const usage = fromAnthropicUsage({
      input_tokens: 50,
      output_tokens: 10,
      cache_creation_input_tokens: 200,
      cache_read_input_tokens: 1000,
    });
    expect(toOpenAIUsage(usage)).toMatchObject({
      prompt_tokens: 1250,
      completion_tokens: 10,
      total_tokens: 1260,
      prompt_tokens_details: { cached_tokens: 1000 },
    });
  });

  it('an OpenAI usage rendered for Anthropic excludes cached tokens from input_tokens', () => {
    const usage = fromOpenAIUsage({
      prompt_tokens: 100,
      completion_tokens: 7,
      total_tokens: 107,
      prompt_tokens_details: { cached_tokens: 64 },
    });
    expect(toAnthropicUsage(usage)).toEqual({
      input_tokens: 36,
      output_tokens: 7,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 64,
    });
  });
});
