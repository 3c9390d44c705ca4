/**
 * The request body parser: JSON only, read as bytes up to the body limit, decoded as strict
 * UTF-8 (invalid bytes are a 400, not silently replaced with U+FFFD and sent on), then parsed by
 * Fastify's own JSON parser, which refuses `__proto__` and `constructor.prototype` keys.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { RejectedError } from '../errors/index.ts';

type Done = (err: Error | null, body?: unknown) => void;

export function jsonBodyParser(app: FastifyInstance) {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
  return (request: FastifyRequest, body: Buffer, done: Done): void => {
    let text: string;
    try {
      text = decoder.decode(body);
    } catch {
      done(new RejectedError('validation', 'the request body is not valid UTF-8'));
      return;
    }
    parseJson(request, text, done);
  };
}
