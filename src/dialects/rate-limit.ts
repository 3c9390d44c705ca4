/**
 * The one shape both dialects' rate-limit response headers are read into, so the limiter can
 * learn a target's real limits and remaining capacity without knowing which provider sent them.
 */
import { getHeader, type HeadersLike } from './headers.ts';

/** One limit as the provider reported it. Every field is optional: providers send subsets. */
export interface RateLimitWindow {
  /** The maximum in the provider's window (per minute for both providers). */
  limit?: number;
  /** What is left now (Anthropic rounds token counts to the nearest thousand). */
  remaining?: number;
  /** When the window is fully replenished, epoch milliseconds. */
  resetAt?: number;
}

/**
 * The limits one response reported. OpenAI sends `requests` and `tokens`; Anthropic also sends
 * `inputTokens` and `outputTokens` (its `tokens` is the most restrictive combined limit).
 */
export interface RateLimitState {
  requests?: RateLimitWindow;
  tokens?: RateLimitWindow;
  inputTokens?: RateLimitWindow;
  outputTokens?: RateLimitWindow;
}

/** A non-negative count from a header value, or `undefined` for a missing or garbled one. */
function parseCount(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (!/^\d+(\.\d+)?$/.test(text)) return undefined;
  return Number(text);
}

/** One window's three header names, built once per dialect rather than per response. */
export interface WindowHeaderNames {
  limit: string;
  remaining: string;
  reset: string;
}

/** The names `name(part)` gives for the parts `limit`, `remaining` and `reset`. */
export function windowHeaderNames(
  name: (part: 'limit' | 'remaining' | 'reset') => string,
): WindowHeaderNames {
  return { limit: name('limit'), remaining: name('remaining'), reset: name('reset') };
}

/**
 * One window read from `headers`, the reset turned into epoch milliseconds by the dialect's
 * `resetAt` (given `nowMs`, when the response arrived); `undefined` when the response carried
 * none of the three headers (the common case for the windows a provider does not send, answered
 * without parsing anything).
 */
export function readWindow(
  headers: HeadersLike,
  names: WindowHeaderNames,
  resetAt: (value: string, nowMs: number) => number | undefined,
  nowMs = 0,
): RateLimitWindow | undefined {
  const limit = getHeader(headers, names.limit);
  const remaining = getHeader(headers, names.remaining);
  const reset = getHeader(headers, names.reset);
  if (limit === undefined && remaining === undefined && reset === undefined) return undefined;
  return windowOrUndefined({
    limit: parseCount(limit),
    remaining: parseCount(remaining),
    resetAt: reset === undefined ? undefined : resetAt(reset, nowMs),
  });
}

/** The window, or `undefined` when none of its three fields was present. */
function windowOrUndefined(window: RateLimitWindow): RateLimitWindow | undefined {
  const out: RateLimitWindow = {};
  if (window.limit !== undefined) out.limit = window.limit;
  if (window.remaining !== undefined) out.remaining = window.remaining;
  if (window.resetAt !== undefined) out.resetAt = window.resetAt;
  const any = out.limit !== undefined || out.remaining !== undefined || out.resetAt !== undefined;
  return any ? out : undefined;
}

/** The state, or `undefined` when it holds no window at all. */
export function stateOrUndefined(state: RateLimitState): RateLimitState | undefined {
  if (!state.requests && !state.tokens && !state.inputTokens && !state.outputTokens)
    return undefined;
  const out: RateLimitState = {};
  if (state.requests) out.requests = state.requests;
  if (state.tokens) out.tokens = state.tokens;
  if (state.inputTokens) out.inputTokens = state.inputTokens;
  if (state.outputTokens) out.outputTokens = state.outputTokens;
  return out;
}
