/**
 * Every error code breakwater uses, in one table (like undici's UND_ERR_* and Fastify's
 * FST_ERR_*). A code fixes the HTTP status the gateway answers with, whether a retry can help,
 * whether another target may succeed (fallback), whether it says anything about the target's
 * health (breaker), the hint a person reads, and the error `type` each dialect renders.
 * docs/errors.md has a row per code; a test keeps the two in step.
 */

export interface CodeInfo {
  /** The HTTP status the gateway answers with. */
  readonly status: number;
  /** A retry of the same request to the same target may succeed. */
  readonly retryable: boolean;
  /** Another target (fallback tier) may succeed where this one failed. */
  readonly fallbackable: boolean;
  /** The failure says the target is unhealthy and counts toward its circuit breaker. */
  readonly healthSignal: boolean;
  /** What a person should do about it. */
  readonly hint: string;
  /** `error.type` in an OpenAI-dialect error body. */
  readonly openaiType: string;
  /** `error.type` in an Anthropic-dialect error body. */
  readonly anthropicType: string;
}

function code(
  status: number,
  retryable: boolean,
  fallbackable: boolean,
  healthSignal: boolean,
  openaiType: string,
  anthropicType: string,
  hint: string,
): CodeInfo {
  return Object.freeze({
    status,
    retryable,
    fallbackable,
    healthSignal,
    openaiType,
    anthropicType,
    hint,
  });
}

export const ERROR_CODES = Object.freeze({
  // Answers from the provider.
  invalid_request: code(
    400,
    false,
    false,
    false,
    'invalid_request_error',
    'invalid_request_error',
    'The request is malformed or has an invalid parameter; fix the field the message names. Retrying the same request cannot succeed.',
  ),
  authentication: code(
    401,
    false,
    true,
    false,
    'authentication_error',
    'authentication_error',
    'The API key is wrong, missing, revoked or rotated: check the environment variable that holds it and that it belongs to this provider.',
  ),
  permission: code(
    403,
    false,
    true,
    false,
    'permission_error',
    'permission_error',
    'The key is valid but may not use this model or endpoint (or the region is not supported): check the key’s project, organization and model access.',
  ),
  not_found: code(
    404,
    false,
    true,
    false,
    'not_found_error',
    'not_found_error',
    'The model or endpoint does not exist or this key has no access to it: check the model name and the provider’s base URL.',
  ),
  conflict: code(
    409,
    true,
    true,
    false,
    'conflict_error',
    'conflict_error',
    'The provider reported a conflict (often a lock timeout); retrying shortly usually succeeds.',
  ),
  request_too_large: code(
    413,
    false,
    true,
    false,
    'request_too_large',
    'request_too_large',
    'The request body is larger than the provider accepts (32 MB for Anthropic Messages); send less, or split the input.',
  ),
  unprocessable: code(
    422,
    false,
    false,
    false,
    'invalid_request_error',
    'invalid_request_error',
    'The provider understood the request but cannot process it; check the parameters’ values against the model’s capabilities.',
  ),
  rate_limited: code(
    429,
    true,
    true,
    false,
    'rate_limit_error',
    'rate_limit_error',
    'Requests or tokens per minute are over the limit; wait for Retry-After, lower the request rate or raise the limit with the provider.',
  ),
  quota_exhausted: code(
    429,
    false,
    true,
    false,
    'insufficient_quota',
    'billing_error',
    'The account’s quota, credit or spend limit is used up; add credit or raise the limit in the provider’s console. Retrying will not help.',
  ),
  server_error: code(
    500,
    true,
    true,
    true,
    'server_error',
    'api_error',
    'The provider failed internally; this is usually transient and is retried with backoff.',
  ),
  bad_gateway: code(
    502,
    true,
    true,
    true,
    'server_error',
    'api_error',
    'A proxy in front of the provider got a bad answer; usually transient and retried with backoff.',
  ),
  unavailable: code(
    503,
    true,
    true,
    true,
    'server_error',
    'overloaded_error',
    'The provider is unavailable or asks clients to slow down; retried with backoff, and a fallback target is used if configured.',
  ),
  gateway_timeout: code(
    504,
    true,
    true,
    true,
    'timeout_error',
    'timeout_error',
    'The provider timed out while processing; retry, or stream long generations.',
  ),
  overloaded: code(
    529,
    true,
    true,
    true,
    'server_error',
    'overloaded_error',
    'The provider is overloaded across all users; retried with backoff, and a fallback target is used if configured.',
  ),
  refusal: code(
    400,
    false,
    true,
    false,
    'content_filter',
    'invalid_request_error',
    'The model refused or the content filter stopped the answer; rephrase the request, or route refusals to another model.',
  ),
  // Failures on the way to or from the provider.
  timeout: code(
    504,
    true,
    true,
    true,
    'timeout_error',
    'timeout_error',
    'The provider did not answer in time (see which timeout fired); retried, and counted against the target’s health.',
  ),
  connection: code(
    502,
    true,
    true,
    true,
    'server_error',
    'api_error',
    'The connection to the provider failed (reset, refused or DNS); check network egress and the base URL. Retried with backoff.',
  ),
  upstream_config: code(
    502,
    false,
    true,
    true,
    'server_error',
    'api_error',
    'The provider cannot be reached as configured: its host name does not resolve or its TLS certificate is not valid for it. Check the provider’s baseUrl (and the certificate); another tier is tried meanwhile.',
  ),
  malformed_response: code(
    502,
    true,
    true,
    true,
    'server_error',
    'api_error',
    'The provider’s answer could not be read (bad JSON or a stream cut before its end); retried if nothing reached the client yet.',
  ),
  // breakwater's own rejections.
  validation: code(
    400,
    false,
    false,
    false,
    'invalid_request_error',
    'invalid_request_error',
    'breakwater rejected the request before sending it; fix the field the message names.',
  ),
  context_overflow: code(
    400,
    false,
    true,
    false,
    'invalid_request_error',
    'invalid_request_error',
    'The prompt plus max_tokens does not fit the model’s context window; shorten the input, lower max_tokens, or route to a larger-context model.',
  ),
  circuit_open: code(
    503,
    false,
    true,
    false,
    'server_error',
    'overloaded_error',
    'The target failed repeatedly and its circuit breaker is open; requests resume after the probe period (see Retry-After).',
  ),
  queue_full: code(
    503,
    false,
    true,
    false,
    'server_error',
    'overloaded_error',
    'Too many requests are already waiting for this target; slow down or raise the queue limit (see Retry-After).',
  ),
  deadline_exceeded: code(
    504,
    false,
    false,
    false,
    'timeout_error',
    'timeout_error',
    'The request’s overall deadline was spent before an answer arrived; raise the deadline or lower max_tokens.',
  ),
  budget_exceeded: code(
    429,
    false,
    false,
    false,
    'insufficient_quota',
    'rate_limit_error',
    'A spend budget configured in breakwater is used up; wait for the budget window to reset or raise the budget.',
  ),
  idempotency_conflict: code(
    409,
    false,
    false,
    false,
    'invalid_request_error',
    'invalid_request_error',
    'This Idempotency-Key was already used with a different request; send a new key for a new request, or the same request again to get its answer.',
  ),
  request_timeout: code(
    408,
    true,
    false,
    false,
    'invalid_request_error',
    'timeout_error',
    'The request’s headers or body arrived too slowly for the gateway (its headersTimeoutMs or requestTimeoutMs); send the whole request at once, or ask the operator to raise the limit.',
  ),
  aborted: code(
    499,
    false,
    false,
    false,
    'invalid_request_error',
    'invalid_request_error',
    'The caller cancelled the request.',
  ),
} satisfies Record<string, CodeInfo>);

export type ErrorCode = keyof typeof ERROR_CODES;

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_CODES, value);
}
