/**
 * OpenAI answers → breakwater codes. The status decides, refined by the body: `insufficient_quota`
 * is a 429 that no wait fixes, `context_length_exceeded` a 400 that a larger model may fix, and
 * the 503 "Slow Down" (a request-rate warning) is marked with provider code `slow_down` so the
 * limiter can back off, since the status alone cannot tell it from "engine overloaded".
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

function codeForType(type: string | undefined, code: string | undefined): ErrorCode {
  if (code === 'insufficient_quota' || type === 'insufficient_quota') return 'quota_exhausted';
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

  if (
    code === 'rate_limited' &&
    (fields.code === 'insufficient_quota' || fields.type === 'insufficient_quota')
  ) {
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
