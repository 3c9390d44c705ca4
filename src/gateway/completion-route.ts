/**
 * `POST /v1/chat/completions` (OpenAI) and `POST /v1/messages` (Anthropic): the HTTP twin of
 * `client.fetch`. The body's shape is checked, the client key's route list and its own rate
 * limits consulted (tenant-quota.ts), and the engine called with an AbortSignal tied to the
 * client's socket; the answer goes back as JSON or as a stream, with headers saying what
 * happened. Errors are thrown to the one error handler.
 *
 * `x-breakwater-overhead-ms` is the time the gateway spent before the answer's headers that was
 * not spent waiting on upstream attempts: parsing, routing, translation, and any queue or backoff
 * wait. It is whole milliseconds apart from the attempts' own timing, which the engine's clock
 * gives in milliseconds.
 */
import type { FastifyReply, FastifyRequest, RouteHandlerMethod } from 'fastify';
import { stopReasonOf } from '../dialects/answer-stop-reason.ts';
import type { DialectName } from '../dialects/dialect-name.ts';
import { answerHeaders } from '../engine/answer-headers.ts';
import type { AnswerMeta, Engine } from '../engine/engine.ts';
import { checkShape } from '../preflight/request-shape.ts';
import { completionExcerpt, promptExcerpt } from '../telemetry/content-log.ts';
import type { CostMeter } from '../telemetry/cost.ts';
import { callOptionsFrom } from './call-options.ts';
import { mayUse } from './client-keys.ts';
import { routeForbidden } from './gateway-errors.ts';
import { sendStream } from './sse-reply.ts';
import type { TenantQuota } from './tenant-quota.ts';

export interface CompletionContext {
  engine: Engine;
  /** High-resolution time in milliseconds, for the overhead header. */
  now: () => number;
  /** The client keys' own rate limits. */
  quota: TenantQuota;
  /** Prices answers for the request line. */
  cost: CostMeter;
  /** The most prompt and answer text a request line carries; 0: content logging is off. */
  contentChars: number;
}

function overheadMs(startedAt: number, now: number, meta: AnswerMeta): number {
  let upstream = 0;
  // A hedge runs beside the attempt it races, inside its time: counting it would count twice.
  for (const attempt of meta.trail) if (!attempt.hedge) upstream += attempt.latencyMs;
  return Math.max(0, Math.round((now - startedAt - upstream) * 100) / 100);
}

/** The route a request names, and whether its client key may use it. */
export function authorizeRoute(request: FastifyRequest, route: string): void {
  const exchange = request.bw;
  exchange.route = route;
  if (!mayUse(exchange.identity, route)) throw routeForbidden(exchange.identity!.id, route);
}

export function completionHandler(
  ctx: CompletionContext,
  dialect: DialectName,
): RouteHandlerMethod {
  const endpoint = dialect === 'openai' ? 'chat' : 'messages';
  return async function complete(request: FastifyRequest, reply: FastifyReply) {
    const exchange = request.bw;
    exchange.dialect = dialect;
    const body = request.body as Record<string, unknown>;
    const preflight = checkShape(dialect, endpoint, body);
    exchange.stream = body.stream === true;
    const abort = new AbortController();
    exchange.abort = abort;
    // The client may have left while its body was being read.
    if (request.raw.socket?.destroyed) abort.abort(new Error('the client closed the connection'));
    const options = callOptionsFrom(request.headers, abort.signal, exchange.identity?.id);
    options.preflight = preflight;
    options.requestId = request.id;
    options.trace = exchange;
    const length = Number(request.headers['content-length']);
    if (Number.isSafeInteger(length)) exchange.requestBytes = length;
    if (ctx.contentChars > 0) exchange.prompt = promptExcerpt(body, ctx.contentChars);
    authorizeRoute(request, options.route ?? (body.model as string));

    const identity = exchange.identity;
    // A key without limits of its own pays this one property read and nothing more.
    const limited = identity?.limits !== undefined;
    const deposit = limited
      ? ctx.quota.admit(identity, dialect, body, request.headers['content-length'])
      : 0;
    exchange.called = true;
    const call = ctx.engine.call(dialect, body, options);
    const answer = await (limited ? ctx.quota.track(identity, deposit, call) : call);
    exchange.meta = answer.meta;
    if (answer.kind === 'json') {
      exchange.usage = answer.usage;
      exchange.stopReason = stopReasonOf(answer.body);
      exchange.costUsd = ctx.cost.costOf(answer.meta.target, answer.usage);
      if (ctx.contentChars > 0)
        exchange.completion = completionExcerpt(answer.body, ctx.contentChars);
    }
    const headers = answerHeaders(answer.meta);
    const overhead = overheadMs(exchange.startedAt, ctx.now(), answer.meta);
    exchange.overheadMs = overhead;
    headers['x-breakwater-overhead-ms'] = String(overhead);
    if (answer.kind === 'json') {
      if (answer.raw === undefined) return reply.code(200).headers(headers).send(answer.body);
      return reply
        .code(200)
        .headers(headers)
        .type('application/json; charset=utf-8')
        .send(answer.raw);
    }
    if (abort.signal.aborted) {
      // The client left while the stream was being opened: close it without a byte.
      await answer.body[Symbol.asyncIterator]().return?.();
      reply.hijack();
      reply.raw.destroy();
      return reply;
    }
    // A stream that fails after its first byte still answered 200: its log line says so.
    void answer.ended.then((end) => {
      if (end.error) exchange.error = end.error;
      exchange.usage = end.usage;
      exchange.stopReason = end.stopReason;
      exchange.costUsd = ctx.cost.costOf(answer.meta.target, end.usage);
    });
    await sendStream(reply, answer.body, headers, exchange, answer.ended);
    return reply;
  };
}
