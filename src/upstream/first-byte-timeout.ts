/**
 * How long to wait for the response headers (the first byte) of one attempt.
 *
 * A streaming answer sends its headers as soon as the model starts, so a tight limit catches a
 * hung upstream quickly: 30 s. A non-streaming answer sends nothing until the whole generation is
 * done, so a long generation is not a hang (DESIGN.md): its limit grows with `max_tokens`. We use
 * Anthropic's own SDK rule for what a non-streaming request may take — 3 600 000 ms per 128 000
 * output tokens, about 28 ms a token (provider-wire.md §3) — on top of a 30 s base for queueing
 * and prompt processing, and cap it at the SDKs' 10-minute request timeout, past which both
 * providers tell you to stream. Without `max_tokens` the model may write up to its own limit, so
 * the cap applies.
 *
 *   max_tokens 1 024  → 58.8 s      max_tokens 4 096 → 145.2 s
 *   max_tokens 16 000 → 480 s       max_tokens ≥ 20 267 → 600 s (cap)
 */

export interface FirstByteTimeoutInput {
  /** The request's `max_tokens` (`max_completion_tokens`), when it set one. */
  maxTokens?: number | undefined;
  /** Whether the request streams. @default false */
  stream?: boolean | undefined;
}

export interface FirstByteTimeoutRule {
  /** The limit for a streaming request. @default 30000 */
  streamMs: number;
  /** The fixed part of a non-streaming request's limit. @default 30000 */
  baseMs: number;
  /** Added per output token a non-streaming request may generate. @default 28.125 */
  perTokenMs: number;
  /** Upper bound of a non-streaming request's limit; also used without `maxTokens`. @default 600000 */
  maxMs: number;
}

export const FIRST_BYTE_TIMEOUT_RULE: Readonly<FirstByteTimeoutRule> = Object.freeze({
  streamMs: 30_000,
  baseMs: 30_000,
  perTokenMs: 3_600_000 / 128_000,
  maxMs: 600_000,
});

/** The first-byte timeout in milliseconds for a request of this shape. */
export function firstByteTimeoutFor(
  input: FirstByteTimeoutInput,
  rule: Readonly<FirstByteTimeoutRule> = FIRST_BYTE_TIMEOUT_RULE,
): number {
  if (input.stream) return rule.streamMs;
  const { maxTokens } = input;
  if (maxTokens === undefined || !Number.isFinite(maxTokens) || maxTokens < 0) return rule.maxMs;
  return Math.min(rule.maxMs, Math.ceil(rule.baseMs + maxTokens * rule.perTokenMs));
}
