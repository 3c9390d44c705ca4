/**
 * The built-in model catalog: context window, most output tokens, and list prices in US dollars
 * per million tokens (standard tier, short context, no batch discount) for current OpenAI and
 * Anthropic chat models. Prices as of 2026-06 from the providers' pricing pages; OpenAI context
 * windows and output limits agree with gpt-tokenizer's model specs (a test checks). Prices change:
 * a config `catalog` section overrides any field, and adds models this table does not know.
 *
 * `cachedInput` is OpenAI's cached input and Anthropic's cache hit ("cache read"); `cacheWrite`
 * is Anthropic's 5-minute cache write (1.25× input). OpenAI does not charge extra for writes.
 */

export interface CatalogRow {
  contextWindow: number;
  maxOutputTokens: number;
  input: number;
  cachedInput: number;
  cacheWrite: number;
  output: number;
}

type Prices = [input: number, cachedInput: number, output: number];

function openai(contextWindow: number, maxOutputTokens: number, p: Prices): CatalogRow {
  return {
    contextWindow,
    maxOutputTokens,
    input: p[0],
    cachedInput: p[1],
    cacheWrite: p[0],
    output: p[2],
  };
}

/** Anthropic prices cache hits at 0.1× and 5-minute cache writes at 1.25× input, but for Haiku 3. */
function claude(
  contextWindow: number,
  maxOutputTokens: number,
  [input, output, cachedInput, cacheWrite]: [number, number, number?, number?],
): CatalogRow {
  return {
    contextWindow,
    maxOutputTokens,
    input,
    cachedInput: cachedInput ?? Math.round(input * 0.1 * 1e6) / 1e6,
    cacheWrite: cacheWrite ?? input * 1.25,
    output,
  };
}

const M = 1_000_000;

export const OPENAI_MODELS: Readonly<Record<string, CatalogRow>> = Object.freeze({
  'gpt-5.5': openai(1_050_000, 128_000, [5, 0.5, 30]),
  'gpt-5.4': openai(1_050_000, 128_000, [2.5, 0.25, 15]),
  'gpt-5.4-mini': openai(400_000, 128_000, [0.75, 0.075, 4.5]),
  'gpt-5.4-nano': openai(400_000, 128_000, [0.2, 0.02, 1.25]),
  'gpt-5.2': openai(400_000, 128_000, [1.75, 0.175, 14]),
  'gpt-5.1': openai(400_000, 128_000, [1.25, 0.125, 10]),
  'gpt-5': openai(400_000, 128_000, [1.25, 0.125, 10]),
  'gpt-5-mini': openai(400_000, 128_000, [0.25, 0.025, 2]),
  'gpt-5-nano': openai(400_000, 128_000, [0.05, 0.005, 0.4]),
  'gpt-4.1': openai(1_047_576, 32_768, [2, 0.5, 8]),
  'gpt-4.1-mini': openai(1_047_576, 32_768, [0.4, 0.1, 1.6]),
  'gpt-4.1-nano': openai(1_047_576, 32_768, [0.1, 0.025, 0.4]),
  'gpt-4o': openai(128_000, 16_384, [2.5, 1.25, 10]),
  'gpt-4o-mini': openai(128_000, 16_384, [0.15, 0.075, 0.6]),
  o1: openai(200_000, 100_000, [15, 7.5, 60]),
  o3: openai(200_000, 100_000, [2, 0.5, 8]),
  'o3-mini': openai(200_000, 100_000, [1.1, 0.55, 4.4]),
  'o4-mini': openai(200_000, 100_000, [1.1, 0.275, 4.4]),
  'gpt-4-turbo': openai(128_000, 4_096, [10, 10, 30]),
  'gpt-4': openai(8_192, 8_192, [30, 30, 60]),
  'gpt-3.5-turbo': openai(16_385, 4_096, [0.5, 0.5, 1.5]),
});

export const ANTHROPIC_MODELS: Readonly<Record<string, CatalogRow>> = Object.freeze({
  'claude-opus-4-8': claude(M, 128_000, [5, 25]),
  'claude-opus-4-7': claude(M, 128_000, [5, 25]),
  'claude-opus-4-6': claude(M, 128_000, [5, 25]),
  'claude-opus-4-5': claude(200_000, 64_000, [5, 25]),
  'claude-opus-4-1': claude(200_000, 32_000, [15, 75]),
  'claude-opus-4-0': claude(200_000, 32_000, [15, 75]),
  'claude-sonnet-4-6': claude(M, 64_000, [3, 15]),
  'claude-sonnet-4-5': claude(200_000, 64_000, [3, 15]),
  'claude-sonnet-4-0': claude(200_000, 64_000, [3, 15]),
  'claude-3-7-sonnet': claude(200_000, 64_000, [3, 15]),
  'claude-haiku-4-5': claude(200_000, 64_000, [1, 5]),
  'claude-3-5-haiku': claude(200_000, 8_192, [0.8, 4]),
  'claude-3-haiku': claude(200_000, 4_096, [0.25, 1.25, 0.03, 0.3]),
});

/** Other names the providers accept for the same model. */
export const ALIASES: Readonly<Record<string, string>> = Object.freeze({
  'claude-opus-4': 'claude-opus-4-0',
  'claude-sonnet-4': 'claude-sonnet-4-0',
  'chatgpt-4o': 'gpt-4o',
  'gpt-4-turbo-preview': 'gpt-4-turbo',
});
