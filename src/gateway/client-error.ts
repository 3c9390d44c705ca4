/**
 * Answers what Node's HTTP parser refuses before any route can run — a malformed request line or
 * header, headers too large, a duplicate content-length, headers or a body too slow — in the
 * dialect of the path the request named, as every other error is (error-handler.ts), instead of
 * Fastify's own `{"error","message","statusCode"}`, which an official SDK shows as an unknown
 * error. Also the `Expect` header Node would refuse with an empty 417.
 *
 * The path comes from the request line at the start of the bytes Node could not parse (read up
 * to the first space after the method, nothing more); without one (headers that never finished),
 * the answer is in OpenAI's dialect, the gateway's default. A body that is too slow is the one
 * case with a route already running: its read is stopped (body-reader.ts) and the route's own
 * error handler answers the 408. Every such answer closes the connection.
 *
 * The log line says what happened (status, code, the parser's reason) at info level, with no
 * stack and nothing the client sent: `err.rawPacket` holds the raw bytes, the client's key and
 * prompt included, and is never logged.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { DialectName } from '../dialects/dialect-name.ts';
import type { BreakwaterError } from '../errors/index.ts';
import type { Logger } from '../telemetry/logger.ts';
import { stopBodyRead } from './body-reader.ts';
import { answerFor, dialectForPath } from './error-handler.ts';
import { clientClosedBody, expectationFailed, fromParserError } from './gateway-errors.ts';

export interface ClientErrorDeps {
  logger: Logger;
  requestId: () => string;
  headersTimeoutMs: number;
  requestTimeoutMs: number;
}

type ParserError = Error & { code?: string; rawPacket?: unknown };

/** A request line, however broken its method: what matters is the path after it. */
const REQUEST_LINE = /^[^ \r\n]{1,24} (\/[^ \r\n]{0,200})/;

/** The path the unparsable bytes asked for, when they start with a request line. */
function pathOf(raw: unknown): string | undefined {
  if (!Buffer.isBuffer(raw)) return undefined;
  return REQUEST_LINE.exec(raw.toString('latin1', 0, Math.min(raw.length, 256)))?.[1];
}

function headFor(status: number, headers: Record<string, string>, length: number): string {
  let head = `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\n`;
  for (const [name, value] of Object.entries(headers)) head += `${name}: ${value}\r\n`;
  return `${head}content-length: ${length}\r\nconnection: close\r\n\r\n`;
}

function logClientError(
  deps: ClientErrorDeps,
  requestId: string,
  error: BreakwaterError,
  status: number,
  dialect: DialectName,
  reason: string | undefined,
): void {
  deps.logger.info(
    { requestId, status, code: error.code, reason, dialect },
    'request refused before routing',
  );
}

/** Fastify's `clientErrorHandler`. */
export function clientErrorHandler(deps: ClientErrorDeps) {
  return (err: ParserError, socket: Socket): void => {
    // The client closed or reset its side mid-request: there is no one to answer.
    if (err.code === 'ECONNRESET' || err.code === 'HPE_INVALID_EOF_STATE' || socket.destroyed) {
      socket.destroy();
      stopBodyRead(socket, clientClosedBody());
      return;
    }
    const response = (socket as Socket & { _httpMessage?: ServerResponse })._httpMessage;
    const timeouts = {
      headersComplete: response !== undefined,
      limitMs: response !== undefined ? deps.requestTimeoutMs : deps.headersTimeoutMs,
    };
    const error = fromParserError(err.code, timeouts);
    // A body still being read: the route answers, in its dialect, through its error handler.
    if (stopBodyRead(socket, error)) return;
    // An answer that closes the connection is out or on its way: nothing more is read or sent.
    if (response !== undefined && !response.shouldKeepAlive) return;
    // An answer under way on this socket (Node's own rule): nothing can be added to it.
    if ((response?.headersSent && !response.writableEnded) || !socket.writable) {
      socket.destroy();
      return;
    }
    const path = pathOf(err.rawPacket) ?? (response?.req as IncomingMessage | undefined)?.url;
    const dialect = dialectForPath(path ?? '/');
    const requestId = deps.requestId();
    const rendered = answerFor(error, error, dialect, requestId);
    rendered.headers['x-request-id'] = requestId;
    if (dialect === 'anthropic') rendered.headers['request-id'] = requestId;
    logClientError(deps, requestId, error, rendered.status, dialect, err.code);
    const body = JSON.stringify(rendered.body);
    socket.end(headFor(rendered.status, rendered.headers, Buffer.byteLength(body)) + body, () =>
      socket.destroy(),
    );
  };
}

/** Node's `checkExpectation`: any `Expect` but `100-continue` gets a 417 in the path's dialect. */
export function expectationHandler(deps: ClientErrorDeps) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const error = expectationFailed(String(req.headers.expect ?? ''));
    const dialect = dialectForPath(req.url ?? '/');
    const requestId = deps.requestId();
    const rendered = answerFor(error, error, dialect, requestId);
    rendered.headers['x-request-id'] = requestId;
    if (dialect === 'anthropic') rendered.headers['request-id'] = requestId;
    logClientError(deps, requestId, error, rendered.status, dialect, 'expect');
    const body = JSON.stringify(rendered.body);
    res.writeHead(rendered.status, {
      ...rendered.headers,
      'content-length': Buffer.byteLength(body),
      connection: 'close',
    });
    res.end(body);
  };
}
