/**
 * The few checks the engine needs before it can route a request at all: a JSON object with a
 * `model` string and a `messages` array. Deeper validation belongs to preflight; these are the
 * ones without which nothing else can even be read.
 */
import type { DialectName } from '../dialects/dialect-name.ts';
import { RejectedError } from '../errors/index.ts';

export type WireRequest = Record<string, unknown> & { model: string; messages: unknown[] };

export function checkRequest(dialect: DialectName, body: unknown): WireRequest {
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
