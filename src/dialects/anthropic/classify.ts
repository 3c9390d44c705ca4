/**
 * Anthropic answers → breakwater codes. `error.type` decides where it is specific; the status
 * covers the rest (Anthropic uses `invalid_request_error` for "other 4XX" too). A 429 with
 * `details.error_code: enforced_spend_limit_reached` and a 400 about credit or usage limits are
 * quota, not rate limits: no wait fixes them.
 */
import type { ErrorCode } from '../../errors/codes.ts';
import type { ProviderError } from '../../errors/families.ts';
import {
  buildProviderError,
  type ClassifyResponseInput,
  codeForStatus,
  type ErrorFields,
  looksLikeContextOverflow,
  readErrorFields,
} from '../classify-shared.ts';

const BY_TYPE: Record<string, ErrorCode> = {
  authentication_error: 'authentication',
  billing_error: 'quota_exhausted',
  permission_error: 'permission',
  not_found_error: 'not_found',
  conflict_error: 'conflict',
  request_too_large: 'request_too_large',
  rate_limit_error: 'rate_limited',
  api_error: 'server_error',
  timeout_error: 'gateway_timeout',
  overloaded_error: 'overloaded',
};

const QUOTA_MESSAGES =
  /credit balance is too low|specified (workspace )?API usage limits|reached your API usage limits/i;

function refine(code: ErrorCode, fields: ErrorFields): ErrorCode {
  if (fields.detailCode === 'enforced_spend_limit_reached') return 'quota_exhausted';
  if (
    (code === 'invalid_request' || code === 'rate_limited') &&
    QUOTA_MESSAGES.test(fields.message ?? '')
  ) {
    return 'quota_exhausted';
  }
  if (code === 'invalid_request' && looksLikeContextOverflow(fields)) return 'context_overflow';
  return code;
}

export function classifyAnthropicResponse(input: ClassifyResponseInput): ProviderError {
  const fields = readErrorFields(input.body);
  const byType = fields.type === undefined ? undefined : BY_TYPE[fields.type];
  let code: ErrorCode;
  if (input.status === undefined) {
    code = byType ?? 'server_error';
  } else {
    const byStatus = codeForStatus(input.status);
    // The status is specific except for 400 and unknown 4xx, where the type says more.
    code = byStatus === 'invalid_request' && byType ? byType : byStatus;
  }
  return buildProviderError(refine(code, fields), input, fields);
}
