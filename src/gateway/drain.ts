/**
 * Graceful shutdown. `drain(graceMs)` stops taking requests (the listener closes; a request that
 * still arrives on an open keep-alive connection gets a 503 with `Retry-After` and
 * `connection: close`; `/readyz` says not ready), lets the calls and streams in flight finish,
 * closing each connection as its last answer ends, and after `graceMs` cuts whatever is left.
 * `cut()` does the same at once (a second SIGTERM). Then the gateway's `onClose` hooks run (the
 * engine's pools close).
 *
 * A request cut is ended, not dropped: a stream under way gets an error event in its dialect as
 * its last frame, a call still waiting for its answer gets a 503 in its dialect, a body still
 * arriving gets its read stopped with the same 503 — and its engine call is cancelled. Whatever
 * has not reached the client a moment later goes with its connection.
 */
import type { FastifyInstance } from 'fastify';
import type { Clock } from '../core/clock.ts';
import { DIALECTS } from '../engine/bridge.ts';
import type { BreakwaterError } from '../errors/index.ts';
import { stopBodyRead } from './body-reader.ts';
import { handleError } from './error-handler.ts';
import type { Exchange } from './exchange.ts';
import { cutByShutdown } from './gateway-errors.ts';

export interface DrainResult {
  /** Requests ended by the shutdown before they were over (grace period out, or `cut()`). */
  cut: number;
}

const encoder = new TextEncoder();

export class InFlight {
  readonly #exchanges = new Set<Exchange>();
  #draining = false;
  #cut = 0;
  #onIdle: (() => void) | undefined;

  get count(): number {
    return this.#exchanges.size;
  }

  get draining(): boolean {
    return this.#draining;
  }

  /** Requests cut so far. */
  get cut(): number {
    return this.#cut;
  }

  start(exchange: Exchange): void {
    this.#exchanges.add(exchange);
  }

  end(exchange: Exchange): void {
    this.#exchanges.delete(exchange);
    if (this.#draining) this.#onIdle?.();
  }

  /** Marks the start of the drain; `onIdle` runs after every request that ends from now on. */
  beginDrain(onIdle: () => void): void {
    this.#draining = true;
    this.#onIdle = onIdle;
  }

  /** Ends every request in flight with `error` (see above); how many there were. */
  cutAll(error: BreakwaterError): number {
    const cut = [...this.#exchanges];
    for (const exchange of cut) cutExchange(exchange, error);
    this.#cut += cut.length;
    return cut.length;
  }
}

function cutExchange(exchange: Exchange, error: BreakwaterError): void {
  exchange.cut = true;
  exchange.error ??= error;
  const reply = exchange.reply;
  if (exchange.cutStream && exchange.dialect) {
    exchange.cutStream(encoder.encode(DIALECTS[exchange.dialect].errorFrame(error)));
  } else if (reply && !reply.sent && !reply.raw.headersSent) {
    const socket = reply.request.raw.socket;
    // A body still arriving: its read ends with the error, and the route answers it.
    if (!(socket && stopBodyRead(socket, error))) handleError(error, reply.request, reply);
  }
  exchange.abort?.abort(error);
}

/** Cuts what is in flight now, then the connections once the last frames had a moment to go. */
export function cutNow(app: FastifyInstance, inFlight: InFlight, retryAfterMs: number): number {
  const cut = inFlight.cutAll(cutByShutdown(retryAfterMs));
  setImmediate(() => app.server.closeAllConnections());
  return cut;
}

export async function drain(
  app: FastifyInstance,
  inFlight: InFlight,
  graceMs: number,
  clock: Clock,
  retryAfterMs: number,
): Promise<DrainResult> {
  const server = app.server;
  // Connections whose answer just ended would otherwise idle until their keep-alive runs out.
  inFlight.beginDrain(() => server.closeIdleConnections());
  const closed = app.close();
  const graceOver = new AbortController();
  clock.sleep(graceMs, graceOver.signal).then(
    () => cutNow(app, inFlight, retryAfterMs),
    () => {},
  );
  try {
    await closed;
  } finally {
    graceOver.abort();
  }
  return { cut: inFlight.cut };
}
