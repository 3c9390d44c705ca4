/**
 * The gateway's own refusals, as `BreakwaterError`s so the one error handler renders them like any
 * other: a missing or wrong client key, a route the key may not use, a body that cannot be read,
 * a path that does not exist, a gateway that is shutting down. Also the map from Fastify's own
 * errors (body parsing, content type, size) onto them — no Fastify error reaches a client as-is.
 */
import { AbortedError, BreakwaterError, RejectedError } from '../errors/index.ts';

const KEY_HINT =
  'Send one of this gateway’s client keys as `Authorization: Bearer <key>` or `x-api-key: <key>` (not a provider key: those stay on the gateway).';

export function missingClientKey(): BreakwaterError {
  return new BreakwaterError('authentication', 'this gateway needs a client key', {
    origin: 'breakwater',
    hint: KEY_HINT,
  });
}

/** A key was sent, but not in a form the gateway reads (`what` says how it was wrong). */
export function malformedAuthorization(what: string): BreakwaterError {
  return new BreakwaterError('authentication', `no client key could be read: ${what}`, {
    origin: 'breakwater',
    param: 'authorization',
    hint: KEY_HINT,
  });
}

export function invalidClientKey(): BreakwaterError {
  return new BreakwaterError('authentication', 'the client key is not one of this gateway’s', {
    origin: 'breakwater',
    hint: KEY_HINT,
  });
}

export function routeForbidden(id: string, route: string): BreakwaterError {
  return new BreakwaterError('permission', `client key "${id}" may not use route "${route}"`, {
    origin: 'breakwater',
    param: 'model',
    hint: 'Use a route this key lists, or ask the gateway’s operator to add this one to it.',
  });
}

export function adminOnly(what: string, adminKeySet: boolean): BreakwaterError {
  return new BreakwaterError('permission', `${what} is for the gateway's operators`, {
    origin: 'breakwater',
    hint: adminKeySet
      ? 'Send the admin key (telemetry.adminKey) as `Authorization: Bearer <key>`; client keys do not read it.'
      : 'Set an admin key (telemetry.adminKey in the config, or BREAKWATER_ADMIN_KEY) and send it as `Authorization: Bearer <key>`.',
  });
}

export function pathNotFound(method: string, path: string): BreakwaterError {
  const shown = path.length > 120 ? `${path.slice(0, 117)}...` : path;
  return new BreakwaterError('not_found', `breakwater does not serve ${method} ${shown}`, {
    origin: 'breakwater',
    hint: 'The gateway serves POST /v1/chat/completions (OpenAI), POST /v1/messages and /v1/messages/count_tokens (Anthropic), GET /v1/models, /healthz, /readyz, /status, /metrics and /dashboard.',
  });
}

export function shuttingDown(retryAfterMs: number): BreakwaterError {
  return new BreakwaterError('unavailable', 'this gateway is shutting down', {
    origin: 'breakwater',
    retryAfterMs,
    hint: 'Retry: another gateway instance (or this one, restarted) will take the request.',
  });
}

/** Body and header problems Fastify finds before a handler runs, by its error code. */
export function fromFastifyError(err: {
  code?: string;
  statusCode?: number;
  message?: string;
}): BreakwaterError | undefined {
  switch (err.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_TYPE':
      return new RejectedError(
        'validation',
        'unsupported content type: send the body as JSON with `content-type: application/json`',
        { status: 415, param: 'content-type' },
      );
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return bodyTooLarge();
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new RejectedError('validation', 'the request body is empty: send a JSON object');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new RejectedError('validation', 'the content-length header does not match the body');
    case 'FST_ERR_BAD_URL':
      return new RejectedError('validation', 'the request URL is not valid (bad percent-encoding)');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      // Also a body with a `__proto__` or `constructor.prototype` key (prototype poisoning).
      return new RejectedError('validation', 'the request body is not valid JSON');
  }
  // A body read that ended because the client left.
  if (err.code === 'ECONNRESET' || err.message === 'aborted') return clientClosedBody();
  // Any other complaint Fastify has about the request itself is the client's to fix.
  if (err.code?.startsWith('FST_') && err.statusCode !== undefined && err.statusCode < 500) {
    return new RejectedError('validation', 'the request could not be read', {
      status: err.statusCode,
    });
  }
  return undefined;
}

/** A request still in flight when the gateway stopped: the grace period ran out, or a second signal. */
export function cutByShutdown(retryAfterMs: number): BreakwaterError {
  return new BreakwaterError(
    'unavailable',
    'the gateway shut down before this answer was complete',
    {
      origin: 'breakwater',
      retryable: true,
      retryAfterMs,
      hint: 'Retry: another gateway instance (or this one, restarted) will take the request.',
    },
  );
}

/** A body larger than the gateway accepts, as sent or once decoded (`coding`). */
export function bodyTooLarge(coding?: string): BreakwaterError {
  return new BreakwaterError(
    'request_too_large',
    coding === undefined
      ? 'the request body is larger than this gateway accepts'
      : `the request body, decoded from ${coding}, is larger than this gateway accepts`,
    {
      origin: 'breakwater',
      hint: 'Send less (the gateway’s body limit is set with `bodyLimitBytes`), or split the input.',
    },
  );
}

export function contentLengthMismatch(): BreakwaterError {
  return new RejectedError('validation', 'the content-length header does not match the body', {
    param: 'content-length',
  });
}

/** A `content-encoding` the gateway does not decode, or too many of them. */
export function unsupportedEncoding(coding: string, max?: number): BreakwaterError {
  return new RejectedError(
    'validation',
    max === undefined
      ? `unsupported content-encoding "${coding.slice(0, 40)}": send the body as is, or encoded with gzip, deflate or br`
      : `too many content-encodings (at most ${max}): send the body as is, or encoded with gzip, deflate or br`,
    { status: 415, param: 'content-encoding' },
  );
}

export function bodyNotDecodable(coding: string): BreakwaterError {
  return new RejectedError(
    'validation',
    `the request body is not valid ${coding} data, though content-encoding says it is: encode it with ${coding}, or leave content-encoding out`,
    { param: 'content-encoding' },
  );
}

/** The client closed its connection before its body was in (logged as a client that left). */
export function clientClosedBody(): BreakwaterError {
  return new AbortedError('the client closed the connection while sending the body');
}

/** The server's headers or request timeout fired (see build-gateway.ts for the bounds). */
function requestTimedOut(phase: 'headers' | 'body', limitMs: number): BreakwaterError {
  return new RejectedError(
    'request_timeout',
    phase === 'headers'
      ? `the request headers did not all arrive within ${limitMs} ms`
      : `the request body did not all arrive within ${limitMs} ms of the request's start`,
    { status: 408 },
  );
}

export function missingHost(): BreakwaterError {
  return new RejectedError('validation', 'an HTTP/1.1 request needs a Host header', {
    param: 'host',
  });
}

export function expectationFailed(value: string): BreakwaterError {
  return new RejectedError(
    'validation',
    `unsupported Expect header "${value.slice(0, 40)}": only "100-continue" is understood — leave Expect out`,
    { status: 417, param: 'expect' },
  );
}

export function methodNotAllowed(method: string, path: string, allow: string): BreakwaterError {
  return new RejectedError('validation', `${path} does not take ${method}: use ${allow}`, {
    status: 405,
  });
}

/**
 * What Node's HTTP parser found wrong before any route could run, by its error code. `rawPacket`
 * is never read here: it holds whatever the client sent, its key and prompt included.
 */
export function fromParserError(
  code: string | undefined,
  timeouts: ParserTimeouts,
): BreakwaterError {
  switch (code) {
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return requestTimedOut(timeouts.headersComplete ? 'body' : 'headers', timeouts.limitMs);
    case 'HPE_HEADER_OVERFLOW':
      return new RejectedError(
        'validation',
        'the request line and headers are larger than this gateway accepts (16 KiB in all): shorten the URL or the headers',
        { status: 431 },
      );
    case 'HPE_INVALID_METHOD':
      return new RejectedError(
        'validation',
        'unknown HTTP method: the gateway serves POST and GET (see the paths it serves)',
      );
    case 'HPE_INVALID_HEADER_TOKEN':
    case 'HPE_INVALID_HEADER_VALUE':
    case 'HPE_LF_EXPECTED':
    case 'HPE_CR_EXPECTED':
      return new RejectedError(
        'validation',
        'a header holds a character HTTP does not allow (a NUL, a bare CR or LF, or a control character): remove it',
      );
    case 'HPE_UNEXPECTED_CONTENT_LENGTH':
    case 'HPE_INVALID_CONTENT_LENGTH':
      return new RejectedError(
        'validation',
        'the content-length header is repeated, not a number, or sent with transfer-encoding: send one content-length, or chunked transfer-encoding alone',
        { param: 'content-length' },
      );
    case 'HPE_INVALID_TRANSFER_ENCODING':
    case 'HPE_INVALID_CHUNK_SIZE':
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return new RejectedError(
        'validation',
        'the transfer-encoding is not one the gateway reads, or a chunk is malformed: send chunked transfer-encoding, or a content-length',
        { param: 'transfer-encoding' },
      );
    case 'HPE_INVALID_URL':
      return new RejectedError('validation', 'the request URL is not valid');
    case 'HPE_INVALID_VERSION':
      return new RejectedError('validation', 'the HTTP version is not valid: send HTTP/1.1');
    default:
      return new RejectedError(
        'validation',
        `the request is not valid HTTP/1.1 (${code ?? 'unreadable'})`,
      );
  }
}

export interface ParserTimeouts {
  /** The bound that fired, in milliseconds. */
  limitMs: number;
  /** The headers had all arrived: it was the body that was too slow. */
  headersComplete: boolean;
}
