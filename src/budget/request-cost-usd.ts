/**
 * The dollar cost of a request from its usage and the model's prices, and its worst case before
 * it is sent. Usage buckets never overlap (src/dialects/usage.ts): uncached input at the input
 * price, cache reads at the cached price, cache writes at the write price, every generated token
 * (reasoning included) at the output price.
 *
 * The worst case prices the whole prompt at the dearer of the input and cache-write prices and
 * the whole output allowance at the output price. A request whose usage is unknown (a stream
 * cut short, a provider that sent none) is charged this worst case — never $0.
 */
import type { Usage } from '../dialects/usage.ts';
import type { Prices } from '../tokens/model-catalog.ts';

const PER_TOKEN = 1 / 1_000_000;

export function usageCostUsd(usage: Usage, prices: Prices): number {
  return (
    (usage.inputTokens * prices.inputUsdPerMTok +
      usage.cacheReadInputTokens * prices.cachedInputUsdPerMTok +
      usage.cacheCreationInputTokens * prices.cacheWriteUsdPerMTok +
      usage.outputTokens * prices.outputUsdPerMTok) *
    PER_TOKEN
  );
}

export function worstCaseCostUsd(
  promptTokens: number,
  outputTokens: number,
  prices: Prices,
): number {
  const input = Math.max(prices.inputUsdPerMTok, prices.cacheWriteUsdPerMTok);
  return (promptTokens * input + outputTokens * prices.outputUsdPerMTok) * PER_TOKEN;
}
