/**
 * The gateway's own refusals, as `BreakwaterError`s so the one error handler renders them like any
 * other: a missing or wrong client key, a route the key may not use, a body that cannot be read,
 * a path that does not exist, a gateway that is shutting down. Also the map from Fastify's own
 * errors (body parsing, content type, size) onto them — no Fastify error reaches a client as-is.
 */
import { BreakwaterError, RejectedError } from '../errors/index.ts';

const KEY_HINT =
  'Send one of this gateway’s client keys as `Authorization: Bearer <key>` or `x-api-key: <key>` (not a provider key: those stay on the gateway).';

export function missingClientKey(): BreakwaterError {
  return new BreakwaterError('authentication', 'this gateway needs a client key', {
    origin: 'breakwater',
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

export function pathNotFound(method: string, path: string): BreakwaterError {
  const shown = path.length > 120 ? `${path.slice(0, 117)}...` : path;
  return new BreakwaterError('not_found', `breakwater does not serve ${method} ${shown}`, {
    origin: 'breakwater',
    hint: 'The gateway serves POST /v1/chat/completions (OpenAI), POST /v1/messages and /v1/messages/count_tokens (Anthropic), GET /v1/models, /healthz, /readyz and /status.',
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
      return new BreakwaterError(
        'request_too_large',
        'the request body is larger than this gateway accepts',
        {
          origin: 'breakwater',
          hint: 'Send less (the gateway’s body limit is set with `bodyLimitBytes`), or split the input.',
        },
      );
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
  // Any other complaint Fastify has about the request itself is the client's to fix.
  if (err.code?.startsWith('FST_') && err.statusCode !== undefined && err.statusCode < 500) {
    return new RejectedError('validation', 'the request could not be read', {
      status: err.statusCode,
    });
  }
  return undefined;
}
