/**
 * Anthropic's `anthropic-ratelimit-{requests,tokens,input-tokens,output-tokens}-{limit,remaining,
 * reset}` response headers, read into the shared `RateLimitState`. Resets are RFC 3339 instants.
 */
import type { HeadersLike } from '../headers.ts';
import {
  type RateLimitState,
  readWindow,
  stateOrUndefined,
  type WindowHeaderNames,
  windowHeaderNames,
} from '../rate-limit.ts';

// Date.parse accepts far more than RFC 3339; this keeps garbage like "1s" or "tomorrow" out.
const RFC_3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

function parseInstant(value: string | undefined): number | undefined {
  const text = value?.trim();
  if (!text || !RFC_3339.test(text)) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}

function namesFor(name: string): WindowHeaderNames {
  return windowHeaderNames((part) => `anthropic-ratelimit-${name}-${part}`);
}

const NAMES = {
  requests: namesFor('requests'),
  tokens: namesFor('tokens'),
  inputTokens: namesFor('input-tokens'),
  outputTokens: namesFor('output-tokens'),
} as const;

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
    requests: readWindow(headers, NAMES.requests, parseInstant),
    tokens: readWindow(headers, NAMES.tokens, parseInstant),
    inputTokens: readWindow(headers, NAMES.inputTokens, parseInstant),
    outputTokens: readWindow(headers, NAMES.outputTokens, parseInstant),
  });
}
