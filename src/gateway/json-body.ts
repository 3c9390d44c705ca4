/**
 * The request body parser: JSON only, read by body-reader.ts (bounded, decoded per
 * content-encoding, stoppable), decoded as strict UTF-8 (invalid bytes are a 400, not silently
 * replaced with U+FFFD and sent on), then parsed by Fastify's own JSON parser, which refuses
 * `__proto__` and `constructor.prototype` keys.
 */
import type { Readable } from 'node:stream';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { RejectedError } from '../errors/index.ts';
import { readBody } from './body-reader.ts';

type Done = (err: Error | null, body?: unknown) => void;

export function jsonBodyParser(app: FastifyInstance, bodyLimit: number) {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
  return (request: FastifyRequest, payload: Readable, done: Done): void => {
    const headers = request.headers as {
      'content-length'?: string;
      'content-encoding'?: string;
    };
    readBody(payload, request.raw.socket, headers, bodyLimit, (error, body) => {
      if (error) return done(error);
      let text: string;
      try {
        text = decoder.decode(body);
      } catch {
        return done(new RejectedError('validation', 'the request body is not valid UTF-8'));
      }
      parseJson(request, text, done);
    });
  };
}
