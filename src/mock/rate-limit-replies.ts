/**
 * What a rate-limited pool says, in each dialect: the headers sent on every answer (OpenAI
 * `x-ratelimit-*`, Anthropic `anthropic-ratelimit-*`) and the 429 when a bucket refuses, with
 * the provider's own wording (OpenAI "Rate limit reached for … on tokens per min (TPM): Limit L,
 * Used U, Requested R. Please try again in 1.146s."; Anthropic `rate_limit_error` with
 * `retry-after`).
 */

import { anthropicEnvelope } from './error-anthropic.ts';
import { openaiEnvelope } from './error-openai.ts';
import { type ErrorReply, humanWait } from './error-reply.ts';
import { goDuration, rfc3339, roundToThousand } from './rate-limit-headers.ts';
import type { LimitName, Pool, Refusal } from './rate-limiter.ts';

type Headers = Record<string, string>;

export function openaiRateHeaders(pool: Pool | undefined): Headers {
  const headers: Headers = {};
  for (const [name, bucket] of [
    ['requests', pool?.requests],
    ['tokens', pool?.tokens],
  ] as const) {
    if (!bucket) continue;
    headers[`x-ratelimit-limit-${name}`] = String(bucket.capacity);
    headers[`x-ratelimit-remaining-${name}`] = String(Math.max(0, Math.floor(bucket.available())));
    headers[`x-ratelimit-reset-${name}`] = goDuration(bucket.timeUntilFull());
  }
  return headers;
}

export function anthropicRateHeaders(pool: Pool | undefined, nowMs: number): Headers {
  const headers: Headers = {};
  if (!pool) return headers;
  const set = (name: string, limit: number, remaining: number, resetInMs: number) => {
    headers[`anthropic-ratelimit-${name}-limit`] = String(limit);
    headers[`anthropic-ratelimit-${name}-remaining`] = String(remaining);
    headers[`anthropic-ratelimit-${name}-reset`] = rfc3339(nowMs + resetInMs);
  };
  const { requests, input_tokens: input, output_tokens: output } = pool;
  if (requests) {
    set(
      'requests',
      requests.capacity,
      Math.max(0, Math.floor(requests.available())),
      requests.timeUntilFull(),
    );
  }
  const tokenBuckets = [input, output].filter((b) => b !== undefined);
  for (const [name, bucket] of [
    ['input-tokens', input],
    ['output-tokens', output],
  ] as const) {
    if (bucket)
      set(name, bucket.capacity, roundToThousand(bucket.available()), bucket.timeUntilFull());
  }
  if (tokenBuckets.length > 0) {
    set(
      'tokens',
      tokenBuckets.reduce((sum, b) => sum + b.capacity, 0),
      roundToThousand(tokenBuckets.reduce((sum, b) => sum + Math.max(0, b.available()), 0)),
      Math.max(...tokenBuckets.map((b) => b.timeUntilFull())),
    );
  }
  return headers;
}

const OPENAI_UNITS: Partial<Record<LimitName, string>> = {
  requests: 'requests per min (RPM)',
  tokens: 'tokens per min (TPM)',
};

export function openaiRateLimited(
  refusal: Refusal,
  model: string,
  pool: Pool,
  retryAfter: boolean,
): ErrorReply {
  const unit = OPENAI_UNITS[refusal.limit] ?? 'requests per min (RPM)';
  const type = refusal.limit === 'requests' ? 'requests' : 'tokens';
  const tail = 'Visit https://platform.openai.com/account/rate-limits to learn more.';
  const message = Number.isFinite(refusal.waitMs)
    ? `Rate limit reached for ${model} in organization org-mock on ${unit}: Limit ${refusal.capacity}, Used ${refusal.used}, Requested ${refusal.requested}. Please try again in ${humanWait(refusal.waitMs)}. ${tail}`
    : `Request too large for ${model} in organization org-mock on ${unit}: Limit ${refusal.capacity}, Requested ${refusal.requested}. The input or output tokens must be reduced in order to run successfully. ${tail}`;
  const reply = openaiEnvelope(429, { message, type, param: null, code: 'rate_limit_exceeded' });
  Object.assign(reply.headers, openaiRateHeaders(pool));
  if (retryAfter && Number.isFinite(refusal.waitMs)) {
    reply.headers['retry-after'] = String(Math.max(1, Math.ceil(refusal.waitMs / 1000)));
    reply.headers['retry-after-ms'] = String(refusal.waitMs);
  }
  return reply;
}

const ANTHROPIC_UNITS: Record<LimitName, string> = {
  requests: 'requests per minute',
  tokens: 'tokens per minute',
  input_tokens: 'input tokens per minute',
  output_tokens: 'output tokens per minute',
};

export function anthropicRateLimited(
  refusal: Refusal,
  model: string,
  pool: Pool,
  requestId: string,
  nowMs: number,
): ErrorReply {
  const message = `This request would exceed the rate limit for your organization (mock-org) of ${refusal.capacity.toLocaleString('en-US')} ${ANTHROPIC_UNITS[refusal.limit]} (model: ${model}). For details, refer to: https://docs.claude.com/en/api/rate-limits. You can see the response headers for current usage. Please reduce the prompt length or the maximum tokens requested, or try again later.`;
  const reply = anthropicEnvelope(429, { type: 'rate_limit_error', message }, requestId);
  Object.assign(reply.headers, anthropicRateHeaders(pool, nowMs));
  if (Number.isFinite(refusal.waitMs)) {
    reply.headers['retry-after'] = String(Math.max(1, Math.ceil(refusal.waitMs / 1000)));
  }
  return reply;
}
