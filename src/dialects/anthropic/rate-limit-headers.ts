/**
 * Anthropic's `anthropic-ratelimit-{requests,tokens,input-tokens,output-tokens}-{limit,remaining,
 * reset}` response headers, read into the shared `RateLimitState`. Resets are RFC 3339 instants.
 */
import { getHeader, type HeadersLike } from '../headers.ts';
import {
  parseCount,
  type RateLimitState,
  type RateLimitWindow,
  stateOrUndefined,
  windowOrUndefined,
} from '../rate-limit.ts';

// Date.parse accepts far more than RFC 3339; this keeps garbage like "1s" or "tomorrow" out.
const RFC_3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

function parseInstant(value: string | undefined): number | undefined {
  const text = value?.trim();
  if (!text || !RFC_3339.test(text)) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}

function readWindow(headers: HeadersLike, name: string): RateLimitWindow | undefined {
  const prefix = `anthropic-ratelimit-${name}`;
  return windowOrUndefined({
    limit: parseCount(getHeader(headers, `${prefix}-limit`)),
    remaining: parseCount(getHeader(headers, `${prefix}-remaining`)),
    resetAt: parseInstant(getHeader(headers, `${prefix}-reset`)),
  });
}

/**
 * The limits an Anthropic response reported, or `undefined` when it carried no rate-limit header.
 * `tokens` is what Anthropic calls "the most restrictive limit currently in effect". The
 * Priority Tier (`anthropic-priority-*`) and fast-mode (`anthropic-fast-*`) headers are not read.
 */
export function parseAnthropicRateLimitHeaders(
  headers: HeadersLike | undefined,
): RateLimitState | undefined {
  if (!headers) return undefined;
  return stateOrUndefined({
    requests: readWindow(headers, 'requests'),
    tokens: readWindow(headers, 'tokens'),
    inputTokens: readWindow(headers, 'input-tokens'),
    outputTokens: readWindow(headers, 'output-tokens'),
  });
}
