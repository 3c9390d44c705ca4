/**
 * What differs between the two dialects, behind one shape so the request pipeline is written
 * once: request-id header and format, error envelopes, bodies and streams, rate-limit headers
 * and 429s, and which status means "overloaded".
 */

import {
  anthropicBody,
  anthropicMalformedFrame,
  anthropicStream,
  anthropicStreamError,
} from './anthropic-wire.ts';
import type { Completion } from './completion.ts';
import { anthropicEnvelope, anthropicError } from './error-anthropic.ts';
import { openaiEnvelope, openaiError } from './error-openai.ts';
import type { ErrorReply } from './error-reply.ts';
import { ids } from './ids.ts';
import {
  openaiBody,
  openaiMalformedFrame,
  openaiStream,
  openaiStreamError,
} from './openai-wire.ts';
import type { Random } from './prng.ts';
import {
  anthropicRateHeaders,
  anthropicRateLimited,
  openaiRateHeaders,
  openaiRateLimited,
} from './rate-limit-replies.ts';
import type { Pool, Refusal } from './rate-limiter.ts';
import type { Dialect, RateLimits, StatusVariant } from './scenario.ts';
import type { Frame } from './sse.ts';

export interface ErrorSpec {
  model: string;
  requestId: string;
  variant?: StatusVariant | undefined;
  message?: string | undefined;
  apiKey?: string | undefined;
  retryAfterMs?: number | undefined;
  inputTokens?: number;
}

export interface WireContext {
  model: string;
  nowMs: number;
  random: Random;
  includeUsage: boolean;
}

export interface DialectKit {
  name: Dialect;
  requestIdHeader: string;
  newRequestId(random: Random): string;
  /** Headers every answer of this dialect carries. */
  baseHeaders: Record<string, string>;
  error(status: number, spec: ErrorSpec): ErrorReply;
  /** A 400 `invalid_request_error` with the given wording (OpenAI also names param and code). */
  invalid(
    message: string,
    param: string | null,
    code: string | null,
    requestId: string,
  ): ErrorReply;
  body(c: Completion, ctx: WireContext): unknown;
  stream(c: Completion, ctx: WireContext): Frame[];
  streamError(): Frame;
  malformedFrame(model: string): Frame;
  /** Status of a non-stream answer standing in for a mid-stream error. */
  overloadedStatus: number;
  rateHeaders(pool: Pool | undefined, nowMs: number): Record<string, string>;
  rateLimited(
    r: Refusal,
    model: string,
    pool: Pool,
    limits: RateLimits,
    requestId: string,
    nowMs: number,
  ): ErrorReply;
}

const openai: DialectKit = {
  name: 'openai',
  requestIdHeader: 'x-request-id',
  newRequestId: ids.openaiRequest,
  baseHeaders: {
    'openai-organization': 'org-mock',
    'openai-version': '2020-10-01',
    'access-control-expose-headers': 'X-Request-ID',
  },
  error: openaiError,
  invalid: (message, param, code) =>
    openaiEnvelope(400, { message, type: 'invalid_request_error', param, code }),
  body: (c, ctx) => openaiBody(c, { ...ctx, created: Math.floor(ctx.nowMs / 1000) }),
  stream: (c, ctx) => openaiStream(c, { ...ctx, created: Math.floor(ctx.nowMs / 1000) }),
  streamError: openaiStreamError,
  malformedFrame: openaiMalformedFrame,
  overloadedStatus: 500,
  rateHeaders: (pool) => openaiRateHeaders(pool),
  rateLimited: (r, model, pool, limits) =>
    openaiRateLimited(r, model, pool, limits.openaiRetryAfter === true),
};

const anthropic: DialectKit = {
  name: 'anthropic',
  requestIdHeader: 'request-id',
  newRequestId: ids.anthropicRequest,
  baseHeaders: { 'anthropic-organization-id': '00000000-0000-4000-8000-000000000000' },
  error: anthropicError,
  invalid: (message, _param, _code, requestId) =>
    anthropicEnvelope(400, { type: 'invalid_request_error', message }, requestId),
  body: anthropicBody,
  stream: anthropicStream,
  streamError: anthropicStreamError,
  malformedFrame: anthropicMalformedFrame,
  overloadedStatus: 529,
  rateHeaders: anthropicRateHeaders,
  rateLimited: (r, model, pool, _limits, requestId, nowMs) =>
    anthropicRateLimited(r, model, pool, requestId, nowMs),
};

export const dialectKits: Record<Dialect, DialectKit> = { openai, anthropic };
