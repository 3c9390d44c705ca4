/**
 * One token-usage shape for both dialects, so the limiter, budgets and metrics count the same
 * thing whichever provider answered.
 *
 * Normalization: the four token buckets never overlap. `inputTokens` counts only input that was
 * neither read from nor written to the prompt cache: Anthropic's `input_tokens` as is, and
 * OpenAI's `prompt_tokens` minus `cached_tokens` (OpenAI's figure includes cached tokens,
 * Anthropic's excludes them). The whole prompt is therefore `totalInputTokens(usage)`.
 * `outputTokens` counts every generated token, reasoning included, as both providers bill and
 * rate-limit them; `reasoningTokens` says how many of those were reasoning (a subset, not extra).
 */

export interface Usage {
  /** Input tokens that were neither read from nor written to the prompt cache. */
  inputTokens: number;
  /** All generated tokens, including reasoning / thinking tokens. */
  outputTokens: number;
  /** Input tokens served from the prompt cache. */
  cacheReadInputTokens: number;
  /** Input tokens written to the prompt cache (Anthropic only; 0 for OpenAI). */
  cacheCreationInputTokens: number;
  /** How many of `outputTokens` were reasoning tokens, when the provider says (OpenAI only). */
  reasoningTokens: number;
  /** `true` when breakwater counted the tokens itself rather than reading the provider's usage. */
  estimated: boolean;
}

/** A usage of nothing, reported by the provider (not estimated). */
export function emptyUsage(): Usage {
  return {
    inputTokens: 0,
    outputTokens: 0,
    cacheReadInputTokens: 0,
    cacheCreationInputTokens: 0,
    reasoningTokens: 0,
    estimated: false,
  };
}

/** Every input token of the prompt: uncached, cache reads and cache writes. */
export function totalInputTokens(usage: Usage): number {
  return usage.inputTokens + usage.cacheReadInputTokens + usage.cacheCreationInputTokens;
}

/** A token count from a provider field that may be missing, null or garbage: 0 unless usable. */
export function tokenCount(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : 0;
}
