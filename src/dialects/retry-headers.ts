/**
 * The retry-control headers both providers' SDKs honour (provider-wire.md §2–3): `retry-after-ms`
 * (float milliseconds, read first), `retry-after` (float seconds, else an HTTP date),
 * `x-should-retry` (exactly "true" or "false"), and the request ids each provider sends.
 */
import { parseDurationMs } from './duration.ts';
import { getHeader, type HeadersLike } from './headers.ts';

/**
 * The wait the server asked for, in milliseconds, or `undefined` when it gave none.
 * A date in the past gives 0 (retry now); a negative or non-finite number gives `undefined`.
 */
export function parseRetryAfterMs(
  headers: HeadersLike | undefined,
  nowMs: number,
): number | undefined {
  const ms = getHeader(headers, 'retry-after-ms');
  if (ms !== undefined && ms.trim() !== '') {
    const value = Number(ms);
    if (Number.isFinite(value) && value >= 0) return value;
  }
  const after = getHeader(headers, 'retry-after')?.trim();
  if (!after) return undefined;
  if (/^\d+(\.\d+)?$/.test(after)) return Number(after) * 1000;
  const date = Date.parse(after);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - nowMs);
}

/** `true` or `false` when the server said so with `x-should-retry`, else `undefined`. */
export function parseShouldRetry(headers: HeadersLike | undefined): boolean | undefined {
  const value = getHeader(headers, 'x-should-retry');
  if (value === 'true') return true;
  if (value === 'false') return false;
  return undefined;
}

/** The upstream request id: OpenAI's `x-request-id`, Anthropic's `request-id`. */
export function parseRequestId(headers: HeadersLike | undefined): string | undefined {
  return getHeader(headers, 'x-request-id') ?? getHeader(headers, 'request-id');
}

/**
 * OpenAI puts its only retry hint for rate limits inside the message text:
 * "Please try again in 1.146s", "… in 84ms", "… in 6m0s".
 */
export function parseRetryHintFromMessage(message: string | undefined): number | undefined {
  if (!message) return undefined;
  const match = /try again in ((?:\d+(?:\.\d+)?(?:ms|h|m|s))+)/i.exec(message);
  return match?.[1] ? parseDurationMs(match[1]) : undefined;
}
