/**
 * OpenAI's `x-ratelimit-{limit,remaining,reset}-{requests,tokens}` response headers, read into
 * the shared `RateLimitState`. Resets are Go durations counted from when the response arrived.
 */
import { parseDurationMs } from '../duration.ts';
import { getHeader, type HeadersLike } from '../headers.ts';
import {
  parseCount,
  type RateLimitState,
  type RateLimitWindow,
  stateOrUndefined,
  windowOrUndefined,
} from '../rate-limit.ts';

/**
 * Header suffixes that may carry the token window, most specific first. The plain `tokens`
 * headers are the documented ones. Project-scoped keys send `project-tokens`, and some accounts
 * were observed sending `tokens_usage_based`; either stands in for `tokens` only when the plain
 * headers are absent, so a response carrying several never mixes fields from different limits.
 */
const TOKEN_SUFFIXES = ['tokens', 'project-tokens', 'tokens_usage_based'] as const;

function readWindow(
  headers: HeadersLike,
  suffix: string,
  nowMs: number,
): RateLimitWindow | undefined {
  const reset = getHeader(headers, `x-ratelimit-reset-${suffix}`);
  const resetMs = reset === undefined ? undefined : parseDurationMs(reset);
  return windowOrUndefined({
    limit: parseCount(getHeader(headers, `x-ratelimit-limit-${suffix}`)),
    remaining: parseCount(getHeader(headers, `x-ratelimit-remaining-${suffix}`)),
    resetAt: resetMs === undefined ? undefined : nowMs + Math.max(0, resetMs),
  });
}

/**
 * The limits an OpenAI (or OpenAI-compatible) response reported, or `undefined` when it carried
 * no rate-limit header. `nowMs` is when the response arrived; resets are relative to it.
 */
export function parseOpenAIRateLimitHeaders(
  headers: HeadersLike | undefined,
  nowMs: number,
): RateLimitState | undefined {
  if (!headers) return undefined;
  let tokens: RateLimitWindow | undefined;
  for (const suffix of TOKEN_SUFFIXES) {
    tokens = readWindow(headers, suffix, nowMs);
    if (tokens) break;
  }
  return stateOrUndefined({ requests: readWindow(headers, 'requests', nowMs), tokens });
}
