/**
 * OpenAI answers → breakwater codes. The status decides, refined by the body (provider-wire.md §1,
 * §8 and §9):
 * - 429 is split by `error.code`: the billing codes (`insufficient_quota`,
 *   `credit_balance_exhausted`, the organization and project usage and spend limits, all of type
 *   `insufficient_quota`) are `quota_exhausted` — no wait fixes them; `slow_down` is a rate limit
 *   that asks for a lower rate held for a while (the limiter reads the provider code);
 * - the older 503 "Slow Down" is marked with provider code `slow_down` the same way, since the
 *   status alone cannot tell it from an overload; `503 server_is_overloaded` is plain transient
 *   unavailability;
 * - `context_length_exceeded` is a 400 that a larger model may fix.
 */

import type { ErrorCode } from '../../errors/codes.ts';
import type { ProviderError } from '../../errors/families.ts';
import {
  buildProviderError,
  type ClassifyResponseInput,
  codeForStatus,
  looksLikeContextOverflow,
  readErrorFields,
} from '../classify-shared.ts';
import { parseRetryHintFromMessage } from '../retry-headers.ts';

/** The 429 codes of an account out of quota, credit or spend (type `insufficient_quota`). */
export const OPENAI_BILLING_CODES: ReadonlySet<string> = new Set([
  'insufficient_quota',
  'credit_balance_exhausted',
  'organization_usage_limit_exceeded',
  'organization_spend_limit_exceeded',
  'project_spend_limit_exceeded',
]);

function isBilling(fields: { type?: string; code?: string }): boolean {
  return (
    fields.type === 'insufficient_quota' ||
    (fields.code !== undefined && OPENAI_BILLING_CODES.has(fields.code))
  );
}

function codeForType(type: string | undefined, code: string | undefined): ErrorCode {
  if (isBilling({ type, code })) return 'quota_exhausted';
  if (code === 'server_is_overloaded' || type === 'service_unavailable_error') return 'unavailable';
  if (code === 'slow_down') return 'rate_limited';
  if (code === 'rate_limit_exceeded' || type === 'tokens' || type === 'requests')
    return 'rate_limited';
  if (code === 'context_length_exceeded') return 'context_overflow';
  if (code === 'content_filter' || code === 'content_policy_violation') return 'refusal';
  if (type === 'invalid_request_error') return 'invalid_request';
  if (type === 'authentication_error' || code === 'invalid_api_key') return 'authentication';
  return 'server_error';
}

export function classifyOpenAIResponse(input: ClassifyResponseInput): ProviderError {
  const fields = readErrorFields(input.body);
  const status = input.status;
  let code: ErrorCode =
    status === undefined ? codeForType(fields.type, fields.code) : codeForStatus(status);

  if (code === 'rate_limited' && isBilling(fields)) {
    code = 'quota_exhausted';
  } else if (
    (code === 'invalid_request' || code === 'unprocessable') &&
    looksLikeContextOverflow(fields)
  ) {
    code = 'context_overflow';
  } else if (
    code === 'invalid_request' &&
    (fields.code === 'content_filter' || fields.code === 'content_policy_violation')
  ) {
    code = 'refusal';
  }
  if (code === 'unavailable' && !fields.code && /slow down/i.test(fields.message ?? '')) {
    fields.code = 'slow_down';
  }
  const hint = code === 'rate_limited' ? parseRetryHintFromMessage(fields.message) : undefined;
  return buildProviderError(code, input, fields, hint);
}
