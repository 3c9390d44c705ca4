/**
 * What classifying an upstream answer needs in either dialect: the input shape, reading the body,
 * the headers' verdicts (Retry-After, x-should-retry, request id) and the status fallbacks.
 */

import type { ErrorCode } from '../errors/codes.ts';
import { ProviderError } from '../errors/families.ts';
import { redactSecrets } from '../errors/redact-secrets.ts';
import type { HeadersLike } from './headers.ts';
import { parseRequestId, parseRetryAfterMs, parseShouldRetry } from './retry-headers.ts';

export interface ClassifyResponseInput {
  /** The HTTP status of the answer; absent for an error event inside a 200 stream. */
  status?: number;
  headers?: HeadersLike;
  /** The parsed JSON body, or the raw text when it was not JSON. */
  body?: unknown;
  provider?: string;
  model?: string;
  /** For HTTP-date Retry-After. @default Date.now() */
  nowMs?: number;
}

/** The provider's error object, whichever envelope it came in. */
export interface ErrorFields {
  message?: string;
  /** The body was an HTML page (a CDN's or a proxy's): it is never shown, not even in part. */
  html?: boolean;
  type?: string;
  code?: string;
  param?: string;
  detailCode?: string;
  requestId?: string;
}

function parseBody(body: unknown): unknown {
  if (typeof body !== 'string') return body;
  try {
    return JSON.parse(body);
  } catch {
    return body;
  }
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined;
}

/** Reads `{error:{message,type,code,param,details}}`, Anthropic's `request_id`, or plain text. */
export function readErrorFields(body: unknown): ErrorFields {
  const parsed = parseBody(body);
  if (typeof parsed === 'string') {
    if (looksLikeHtml(parsed)) return { html: true };
    const text = parsed
      .replace(/<[^>]*>/g, ' ')
      .replace(/\s+/g, ' ')
      .trim();
    return { message: text.slice(0, 500) || undefined };
  }
  if (typeof parsed !== 'object' || parsed === null) return {};
  const root = parsed as Record<string, unknown>;
  const inner =
    typeof root.error === 'object' && root.error !== null
      ? (root.error as Record<string, unknown>)
      : root;
  const details = inner.details as Record<string, unknown> | undefined;
  return {
    message: str(inner.message) ?? (typeof root.error === 'string' ? root.error : undefined),
    type: str(inner.type),
    code: str(inner.code),
    param: str(inner.param),
    detailCode:
      typeof details === 'object' && details !== null ? str(details.error_code) : undefined,
    requestId: str(root.request_id),
  };
}

const HTML = /^\s*<(!doctype|html|head|body|center|h1|title)\b/i;

/** A page meant for a browser, not an API client. */
function looksLikeHtml(text: string): boolean {
  return HTML.test(text);
}

/**
 * Cloudflare's origin errors, sent by a CDN in front of a provider, usually as an HTML page:
 * transient upstream failures, answered to breakwater's callers as the 502 they amount to.
 */
const CDN_STATUSES: Readonly<Record<number, string>> = {
  520: 'the origin answered something unexpected',
  521: 'the origin refused the connection',
  522: 'the connection to the origin timed out',
  523: 'the origin is unreachable',
  524: 'the origin took too long to answer',
};

function isCdnStatus(status: number | undefined): boolean {
  return status !== undefined && CDN_STATUSES[status] !== undefined;
}

/** The code an HTTP status means when the body says nothing more specific. */
export function codeForStatus(status: number): ErrorCode {
  switch (status) {
    case 400:
      return 'invalid_request';
    case 401:
      return 'authentication';
    case 402:
      return 'quota_exhausted';
    case 403:
      return 'permission';
    case 404:
      return 'not_found';
    case 408:
      return 'timeout';
    case 409:
      return 'conflict';
    case 413:
      return 'request_too_large';
    case 422:
      return 'unprocessable';
    case 429:
      return 'rate_limited';
    case 500:
      return 'server_error';
    case 502:
      return 'bad_gateway';
    case 503:
      return 'unavailable';
    case 504:
      return 'gateway_timeout';
    case 529:
      return 'overloaded';
    case 520:
    case 521:
    case 522:
    case 523:
    case 524:
      return 'bad_gateway';
    default:
      return status >= 500 ? 'server_error' : 'invalid_request';
  }
}

const CONTEXT_PATTERNS =
  /context length|context window|prompt is too long|too many tokens|maximum context/i;

export function looksLikeContextOverflow(fields: ErrorFields): boolean {
  return fields.code === 'context_length_exceeded' || CONTEXT_PATTERNS.test(fields.message ?? '');
}

/** Builds the error, with header verdicts and a message a person can act on. */
export function buildProviderError(
  code: ErrorCode,
  input: ClassifyResponseInput,
  fields: ErrorFields,
  retryAfterFromMessageMs?: number,
): ProviderError {
  const providerMessage = fields.message === undefined ? undefined : redactSecrets(fields.message);
  const shouldRetry = parseShouldRetry(input.headers);
  const retryAfterMs =
    parseRetryAfterMs(input.headers, input.nowMs ?? Date.now()) ?? retryAfterFromMessageMs;
  const target =
    input.provider && input.model
      ? `${input.provider}/${input.model}`
      : (input.provider ?? input.model);
  const who = target ? `${target} ` : 'provider ';
  const cdn = isCdnStatus(input.status);
  const how =
    input.status === undefined
      ? 'sent a mid-stream error'
      : cdn
        ? `answered ${input.status} from a CDN in front of it: ${CDN_STATUSES[input.status!]}`
        : `answered ${input.status}`;
  const what = providerMessage
    ? `: ${providerMessage}`
    : fields.html
      ? ': an HTML page (not shown)'
      : '';
  return new ProviderError(code, `${who}${how} (${code})${what}`, {
    // The upstream status is kept as is (a 402 stays 402), except a CDN's own 52x, answered as
    // the 502 it amounts to; a mid-stream error takes the code's.
    status: cdn
      ? 502
      : input.status !== undefined && input.status >= 400
        ? input.status
        : undefined,
    retryable: shouldRetry,
    provider: input.provider,
    model: input.model,
    requestId: parseRequestId(input.headers) ?? fields.requestId,
    retryAfterMs,
    providerMessage,
    providerStatus: input.status,
    providerType: fields.type,
    providerCode: fields.code ?? fields.detailCode,
    param: fields.param,
  });
}
