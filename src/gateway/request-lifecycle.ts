/**
 * What happens to every request before its route runs and after its answer is over: an
 * `Exchange` to gather what the gateway learns, the gateway's request id on the answer, a 503
 * while draining, the client key checked — and, when the connection's answer ends (sent, failed,
 * or the client left), the in-flight count, the engine call cancelled if the client left early,
 * and the one log line.
 */
import type { onRequestHookHandler, onSendHookHandler } from 'fastify';
import { publishRefusal } from '../telemetry/refusal.ts';
import { logRequest } from '../telemetry/request-log.ts';
import { ADMIN_PATHS, type AdminKey } from './admin-key.ts';
import { authenticate, isOpenPath, pathOf } from './auth.ts';
import type { ClientKeyring } from './client-keys.ts';
import type { InFlight } from './drain.ts';
import { dialectForPath } from './error-handler.ts';
import { Exchange } from './exchange.ts';
import { missingHost, shuttingDown } from './gateway-errors.ts';

export interface LifecycleDeps {
  inFlight: InFlight;
  keyring: ClientKeyring;
  /** Asked of clients turned away while draining. */
  retryAfterMs: number;
  /** High-resolution milliseconds. */
  now: () => number;
  /** The engine the completion routes call: refusals before it are published in its name. */
  engine: object;
  admin: AdminKey;
}

const COMPLETION_PATHS = new Set(['/v1/chat/completions', '/v1/messages']);

export function requestLifecycle(deps: LifecycleDeps): {
  onRequest: onRequestHookHandler;
  onSend: onSendHookHandler;
} {
  const { inFlight, keyring, now } = deps;
  // Callback hooks rather than async ones: each async hook costs every request a promise.
  const onRequest: onRequestHookHandler = (request, reply, done) => {
    const exchange = new Exchange(now());
    request.bw = exchange;
    exchange.reply = reply;
    inFlight.start(exchange);
    const res = reply.raw;
    res.once('close', () => {
      inFlight.end(exchange);
      const finished = res.writableEnded;
      if (!finished) exchange.abort?.abort(new Error('the client closed the connection'));
      // 499 (nginx's "client closed request"): the client left before any answer was sent.
      const status = res.headersSent || finished ? res.statusCode : 499;
      const record = exchange.record(
        request.id,
        request.method,
        request.url,
        status,
        finished,
        now(),
      );
      logRequest(request.log, record);
      if (!exchange.called && exchange.error && COMPLETION_PATHS.has(record.path)) {
        publishRefusal(
          {
            source: deps.engine,
            route: exchange.route,
            dialect: exchange.dialect ?? dialectForPath(record.path),
            stream: exchange.stream ?? false,
            tenant: exchange.identity?.id,
            requestId: request.id,
            durationMs: record.latencyMs,
          },
          exchange.error,
        );
      }
    });
    reply.header('x-request-id', request.id);
    if (dialectForPath(request.url) === 'anthropic') reply.header('request-id', request.id);
    if (inFlight.draining) {
      reply.header('connection', 'close');
      done(shuttingDown(deps.retryAfterMs));
      return;
    }
    // HTTP/1.1 requires a Host (RFC 9112 §3.2); Node's own check would answer an empty 400.
    if (request.headers.host === undefined && request.raw.httpVersion === '1.1') {
      done(missingHost());
      return;
    }
    try {
      if (keyring.size === 0) exchange.admin = true;
      else if (!isOpenPath(request.url)) {
        const operator = ADMIN_PATHS.has(pathOf(request.url)) && deps.admin.presentedBy(request);
        if (operator) exchange.admin = true;
        else authenticate(request, keyring);
      }
    } catch (error) {
      done(error as Error);
      return;
    }
    done();
  };
  const onSend: onSendHookHandler = (_request, reply, payload, done) => {
    if (inFlight.draining) reply.header('connection', 'close');
    done(null, payload);
  };
  return { onRequest, onSend };
}
