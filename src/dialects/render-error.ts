/**
 * Errors → an answer in the caller's dialect: status, headers and the provider's own envelope,
 * so the official SDKs raise their usual classes. The one place errors become HTTP (the gateway's
 * error handler calls it). A `breakwater` object beside the envelope carries the code, hint and
 * upstream facts for people and tools; SDKs ignore it.
 *
 * Every string of the answer is scrubbed of the process's upstream key values (secret-values.ts)
 * here, once, whatever error it came from: a provider that echoes the gateway's key in its
 * message cannot pass it on to a client.
 */
import { BreakwaterError } from '../errors/breakwater-error.ts';
import { ERROR_CODES, type ErrorCode } from '../errors/codes.ts';
import { scrubSecretValuesDeep } from '../errors/secret-values.ts';
import type { DialectName } from './dialect-name.ts';

export interface RenderedError {
  status: number;
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

export interface RenderOptions {
  /** The id the gateway gave this request; Anthropic bodies carry it as `request_id`. */
  requestId?: string;
  /**
   * The answer goes to a gateway client, whose own key is the gateway's, not the provider's:
   * a provider rejecting the gateway's key (401, 403) is then the operator's problem and is
   * answered 502, so the client's SDK does not report the client's key as bad.
   */
  gateway?: boolean;
}

const OPERATOR_HINT =
  'The provider rejected the key the gateway holds for it: the gateway operator must check that provider key. Your own key is fine.';

/** OpenAI clients know these `code` values; the rest keep breakwater's code. */
const OPENAI_CODES: Partial<Record<ErrorCode, string>> = {
  rate_limited: 'rate_limit_exceeded',
  quota_exhausted: 'insufficient_quota',
  context_overflow: 'context_length_exceeded',
  authentication: 'invalid_api_key',
  not_found: 'model_not_found',
  refusal: 'content_filter',
};

/** The error types Anthropic sends; a provider type outside this set (OpenAI's) is not reused. */
const ANTHROPIC_TYPES: ReadonlySet<string> = new Set([
  'invalid_request_error',
  'authentication_error',
  'billing_error',
  'permission_error',
  'not_found_error',
  'conflict_error',
  'request_too_large',
  'rate_limit_error',
  'api_error',
  'timeout_error',
  'overloaded_error',
]);

/** `error.type` for an Anthropic-dialect caller: the provider's own when it is Anthropic's. */
export function anthropicErrorType(err: BreakwaterError): string {
  const own = err.origin === 'provider' ? err.providerType : undefined;
  return own !== undefined && ANTHROPIC_TYPES.has(own) ? own : ERROR_CODES[err.code].anthropicType;
}

/** The text a client reads for `err`: its message and hint. */
export function clientErrorMessage(err: BreakwaterError, hint: string = err.hint): string {
  return `${err.message} — ${hint}`;
}

/**
 * A provider rejecting the gateway's own key is a failure behind the gateway: the client is told
 * so with the same type in both dialects (a server-side one), never an authentication type that
 * would make its SDK blame the client's key.
 */
const OPERATOR_TYPES = {
  openai: ERROR_CODES.bad_gateway.openaiType,
  anthropic: ERROR_CODES.bad_gateway.anthropicType,
} as const;

function toBreakwaterError(err: unknown): BreakwaterError {
  if (err instanceof BreakwaterError) return err;
  // An unexpected failure inside breakwater: say so without echoing internals to the client.
  return new BreakwaterError('server_error', 'internal error in breakwater', {
    origin: 'breakwater',
    cause: err,
    hint: 'This is a bug in breakwater, not in your request; the gateway log has the details.',
  });
}

function statusFor(err: BreakwaterError): number {
  // 499 (caller went away) is not a status a client can receive; answer as a timeout would.
  return err.status === 499 ? 408 : err.status;
}

export function renderError(
  error: unknown,
  dialect: DialectName,
  options: RenderOptions = {},
): RenderedError {
  const rendered = render(error, dialect, options);
  rendered.headers = scrubSecretValuesDeep(rendered.headers);
  rendered.body = scrubSecretValuesDeep(rendered.body);
  return rendered;
}

function render(error: unknown, dialect: DialectName, options: RenderOptions): RenderedError {
  const err = toBreakwaterError(error);
  const operator =
    options.gateway === true &&
    err.origin === 'provider' &&
    (err.code === 'authentication' || err.code === 'permission');
  const status = operator ? 502 : statusFor(err);
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'x-should-retry': String(err.retryable),
  };
  if (err.retryAfterMs !== undefined) {
    headers['retry-after'] = String(Math.max(0, Math.ceil(err.retryAfterMs / 1000)));
    headers['retry-after-ms'] = String(Math.max(0, Math.round(err.retryAfterMs)));
  }
  const message = clientErrorMessage(err, operator ? OPERATOR_HINT : err.hint);
  const extension = {
    code: err.code,
    hint: err.hint,
    retryable: err.retryable,
    origin: err.origin,
    provider: err.provider,
    model: err.model,
    upstream_status: err.providerStatus,
    upstream_request_id: err.requestId,
    problems: err.problems,
    attempts: err.attempts,
  };

  if (dialect === 'anthropic') {
    if (options.requestId) headers['request-id'] = options.requestId;
    return {
      status,
      headers,
      body: {
        type: 'error',
        error: { type: operator ? OPERATOR_TYPES.anthropic : anthropicErrorType(err), message },
        request_id: options.requestId ?? null,
        breakwater: extension,
      },
    };
  }

  if (options.requestId) headers['x-request-id'] = options.requestId;
  return {
    status,
    headers,
    body: {
      error: {
        message,
        type: operator ? OPERATOR_TYPES.openai : ERROR_CODES[err.code].openaiType,
        param: err.param ?? null,
        code: operator
          ? `upstream_${err.code}`
          : (err.providerCode ?? OPENAI_CODES[err.code] ?? err.code),
      },
      breakwater: extension,
    },
  };
}
