/**
 * The checks every request passes before the engine routes it, on every entry path: the
 * preflight shape checks (each field the engine, its translators or the provider read has the
 * provider's type; a client's mistake is a 400 naming the field), then the few facts routing
 * needs — a `model` string and a `messages` array.
 */
import type { DialectName } from '../dialects/dialect-name.ts';
import { RejectedError } from '../errors/index.ts';
import { checkShape } from '../preflight/request-shape.ts';

export type WireRequest = Record<string, unknown> & { model: string; messages: unknown[] };

/** `shapeChecked`: the caller (the gateway) already ran the preflight shape checks. */
export function checkRequest(
  dialect: DialectName,
  body: unknown,
  shapeChecked = false,
): WireRequest {
  if (!shapeChecked) checkShape(dialect, dialect === 'openai' ? 'chat' : 'messages', body);
  const endpoint = dialect === 'openai' ? 'chat completion' : 'message';
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new RejectedError('validation', `the ${endpoint} request body must be a JSON object`);
  }
  const request = body as Record<string, unknown>;
  if (typeof request.model !== 'string' || request.model.trim() === '') {
    throw new RejectedError(
      'validation',
      '`model` is required: a route name or a `provider/model` target (GET /v1/models lists them)',
      { param: 'model' },
    );
  }
  if (!Array.isArray(request.messages)) {
    throw new RejectedError(
      'validation',
      '`messages` is required and must be an array of messages',
      {
        param: 'messages',
      },
    );
  }
  if (
    request.stream !== undefined &&
    request.stream !== null &&
    typeof request.stream !== 'boolean'
  ) {
    throw new RejectedError('validation', '`stream` must be true or false', { param: 'stream' });
  }
  return request as WireRequest;
}
