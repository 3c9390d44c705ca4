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

/** One window's three header names, built once. */
interface WindowNames {
  limit: string;
  remaining: string;
  reset: string;
}

function namesFor(suffix: string): WindowNames {
  return {
    limit: `x-ratelimit-limit-${suffix}`,
    remaining: `x-ratelimit-remaining-${suffix}`,
    reset: `x-ratelimit-reset-${suffix}`,
  };
}

const REQUEST_NAMES = namesFor('requests');
const TOKEN_NAMES: readonly WindowNames[] = TOKEN_SUFFIXES.map(namesFor);

function readWindow(
  headers: HeadersLike,
  names: WindowNames,
  nowMs: number,
): RateLimitWindow | undefined {
  const limit = getHeader(headers, names.limit);
  const remaining = getHeader(headers, names.remaining);
  const reset = getHeader(headers, names.reset);
  if (limit === undefined && remaining === undefined && reset === undefined) return undefined;
  const resetMs = reset === undefined ? undefined : parseDurationMs(reset);
  return windowOrUndefined({
    limit: parseCount(limit),
    remaining: parseCount(remaining),
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
  for (const names of TOKEN_NAMES) {
    tokens = readWindow(headers, names, nowMs);
    if (tokens) break;
  }
  return stateOrUndefined({ requests: readWindow(headers, REQUEST_NAMES, nowMs), tokens });
}
