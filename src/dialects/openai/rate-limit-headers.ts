/**
 * OpenAI's `x-ratelimit-{limit,remaining,reset}-{requests,tokens}` response headers, read into
 * the shared `RateLimitState`. Resets are Go durations counted from when the response arrived.
 */
import { parseDurationMs } from '../duration.ts';
import type { HeadersLike } from '../headers.ts';
import {
  type RateLimitState,
  type RateLimitWindow,
  readWindow,
  stateOrUndefined,
  type WindowHeaderNames,
  windowHeaderNames,
} from '../rate-limit.ts';

/**
 * Header suffixes that may carry the token window, most specific first. The plain `tokens`
 * headers are the documented ones. Project-scoped keys send `project-tokens`, and some accounts
 * were observed sending `tokens_usage_based`; either stands in for `tokens` only when the plain
 * headers are absent, so a response carrying several never mixes fields from different limits.
 */
const TOKEN_SUFFIXES = ['tokens', 'project-tokens', 'tokens_usage_based'] as const;

function namesFor(suffix: string): WindowHeaderNames {
  return windowHeaderNames((part) => `x-ratelimit-${part}-${suffix}`);
}

const REQUEST_NAMES = namesFor('requests');
const TOKEN_NAMES: readonly WindowHeaderNames[] = TOKEN_SUFFIXES.map(namesFor);

/** A Go duration counted from `nowMs`, as epoch milliseconds. */
function resetAfter(value: string, nowMs: number): number | undefined {
  const ms = parseDurationMs(value);
  return ms === undefined ? undefined : nowMs + Math.max(0, ms);
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
    tokens = readWindow(headers, names, resetAfter, nowMs);
    if (tokens) break;
  }
  return stateOrUndefined({
    requests: readWindow(headers, REQUEST_NAMES, resetAfter, nowMs),
    tokens,
  });
}
