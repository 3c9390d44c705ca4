/**
 * Anthropic error answers: `{"type":"error","error":{type,message},"request_id"}` with the
 * provider's error types per status (provider-wire.md §1, §8), and the variants a scenario can
 * ask for: `spend_cap` (or `insufficient_quota`) 429 with `details.error_code` and no
 * retry-after, `context_length` 400 ("prompt is too long"), `cloudflare` (HTML page).
 */

import { cloudflarePage, type ErrorReply } from './error-reply.ts';
import type { StatusVariant } from './scenario.ts';

export interface AnthropicErrorSpec {
  model: string;
  requestId: string;
  variant?: StatusVariant | undefined;
  message?: string | undefined;
  inputTokens?: number;
}

const TYPES: Record<number, [type: string, message: string]> = {
  400: ['invalid_request_error', 'messages: text content blocks must be non-empty'],
  401: ['authentication_error', 'invalid x-api-key'],
  402: ['billing_error', 'Your credit balance is too low to access the Anthropic API.'],
  403: ['permission_error', 'Your API key does not have permission to use the specified resource.'],
  404: ['not_found_error', 'Not found'],
  408: ['invalid_request_error', 'Request timed out.'],
  409: ['conflict_error', 'The request conflicts with another request. Please retry.'],
  413: ['request_too_large', 'Request exceeds the maximum allowed number of bytes.'],
  422: ['invalid_request_error', 'Unprocessable entity.'],
  429: [
    'rate_limit_error',
    'This request would exceed the rate limit for your organization of 50 requests per minute. For details, refer to: https://docs.claude.com/en/api/rate-limits. You can see the response headers for current usage. Please reduce the prompt length or the maximum tokens requested, or try again later.',
  ],
  500: ['api_error', 'Internal server error'],
  502: ['api_error', 'Bad gateway'],
  503: ['api_error', 'Service unavailable'],
  504: ['timeout_error', 'Request timeout'],
  529: ['overloaded_error', 'Overloaded'],
};

export function anthropicError(status: number, spec: AnthropicErrorSpec): ErrorReply {
  if (spec.variant === 'cloudflare') return cloudflarePage(status);
  const [type, fallback] = TYPES[status] ?? TYPES[500]!;
  const error: Record<string, unknown> = { type, message: fallback };
  if (status === 404) error.message = `model: ${spec.model}`;
  if (status === 400 && spec.variant === 'context_length') {
    error.message = `prompt is too long: ${200_001 + (spec.inputTokens ?? 0)} tokens > 200000 maximum`;
  }
  if (status === 429 && (spec.variant === 'spend_cap' || spec.variant === 'insufficient_quota')) {
    error.message =
      'You have reached your API usage limits. You will regain access on the first day of next month at 00:00 UTC.';
    error.details = { error_code: 'enforced_spend_limit_reached' };
  }
  if (spec.message) error.message = spec.message;
  return anthropicEnvelope(status, error, spec.requestId);
}

/** Any Anthropic envelope (validation, rate limits) as a reply. */
export function anthropicEnvelope(
  status: number,
  error: Record<string, unknown>,
  requestId: string,
): ErrorReply {
  return {
    status,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ type: 'error', error, request_id: requestId }),
  };
}
