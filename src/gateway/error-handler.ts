/**
 * The gateway's one error boundary: whatever went wrong — a `BreakwaterError` from the engine,
 * the gateway's own refusals, Fastify's body-parsing errors, or a bug — is answered here through
 * `renderError`, in the dialect of the path the client called, with the status, `Retry-After`
 * and the provider's own error envelope, so the official SDKs raise their usual classes. (What
 * Node's HTTP parser refuses before any route runs is answered the same way by client-error.ts.)
 *
 * `Retry-After` is sent whenever a wait would help: the error's own wait (a limiter, a breaker's
 * probe time, the provider's hint), or one second for a retryable 429/503/529 that carried none.
 * An answer sent before the request's body was all read closes the connection: what is left of
 * the body would otherwise be read as the next request.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { DialectName } from '../dialects/dialect-name.ts';
import { type RenderedError, renderError } from '../dialects/render-error.ts';
import { BreakwaterError } from '../errors/index.ts';
import { fromFastifyError } from './gateway-errors.ts';

const WAIT_STATUSES = new Set([429, 503, 529]);
/** Stands for a bug in the request log (its code, `server_error`, is all the log line needs). */
const INTERNAL = new BreakwaterError('server_error', 'internal error in breakwater', {
  origin: 'breakwater',
});

/** Anthropic's paths answer in its dialect; everything else in OpenAI's (the common one). */
export function dialectForPath(url: string): DialectName {
  return url.startsWith('/v1/messages') ? 'anthropic' : 'openai';
}

function asBreakwaterError(err: unknown): BreakwaterError | undefined {
  if (err instanceof BreakwaterError) return err;
  if (typeof err === 'object' && err !== null) return fromFastifyError(err as FastifyError);
  return undefined;
}

/** `err` as a gateway client gets it: `renderError`, plus `Retry-After` where a wait helps. */
export function answerFor(
  err: unknown,
  known: BreakwaterError | undefined,
  dialect: DialectName,
  requestId: string,
): RenderedError {
  const rendered = renderError(known ?? err, dialect, { requestId, gateway: true });
  const headers = rendered.headers;
  if (
    headers['retry-after'] === undefined &&
    WAIT_STATUSES.has(rendered.status) &&
    known?.retryable
  ) {
    headers['retry-after'] = '1';
  }
  return rendered;
}

function bodyStillComing(request: FastifyRequest): boolean {
  if (request.raw.complete) return false;
  const length = request.headers['content-length'];
  return (
    (length !== undefined && length !== '0') || request.headers['transfer-encoding'] !== undefined
  );
}

export function handleError(err: unknown, request: FastifyRequest, reply: FastifyReply): void {
  const known = asBreakwaterError(err);
  const exchange = request.bw;
  if (!known) {
    // A bug: the details go to the log, the client gets a plain 500 without internals.
    request.log.error({ err, requestId: request.id }, 'unexpected error in the gateway');
  }
  if (reply.sent || reply.raw.headersSent || request.raw.socket?.destroyed === true) {
    // The answer is out (a stream failing late), or the client is gone: nothing can be sent,
    // and the first error said what happened.
    if (exchange) exchange.error ??= known ?? INTERNAL;
    reply.raw.destroy();
    return;
  }
  if (exchange) exchange.error = known ?? INTERNAL;
  const dialect = exchange?.dialect ?? dialectForPath(request.url);
  const rendered = answerFor(err, known, dialect, request.id);
  if (bodyStillComing(request)) rendered.headers.connection = 'close';
  reply.code(rendered.status).headers(rendered.headers).send(rendered.body);
}
