/**
 * The one shape both dialects' rate-limit response headers are read into, so the limiter can
 * learn a target's real limits and remaining capacity without knowing which provider sent them.
 */

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
export function parseCount(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (!/^\d+(\.\d+)?$/.test(text)) return undefined;
  return Number(text);
}

/** The window, or `undefined` when none of its three fields was present. */
export function windowOrUndefined(window: RateLimitWindow): RateLimitWindow | undefined {
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
