/**
 * Graceful shutdown. `drain(graceMs)` stops taking requests (the listener closes; a request that
 * still arrives on an open keep-alive connection gets a 503 with `Retry-After` and
 * `connection: close`; `/readyz` says not ready), lets the calls and streams in flight finish,
 * closing each connection as its last answer ends, and after `graceMs` cuts whatever is left.
 * Then the gateway's `onClose` hooks run (the engine's pools close).
 */
import type { FastifyInstance } from 'fastify';
import type { Clock } from '../core/clock.ts';

export interface DrainResult {
  /** Requests still in flight when the grace period ended (their connections were cut). */
  cut: number;
}

export class InFlight {
  #count = 0;
  #draining = false;
  #onIdle: (() => void) | undefined;

  get count(): number {
    return this.#count;
  }

  get draining(): boolean {
    return this.#draining;
  }

  start(): void {
    this.#count++;
  }

  end(): void {
    this.#count--;
    if (this.#draining) this.#onIdle?.();
  }

  /** Marks the start of the drain; `onIdle` runs after every request that ends from now on. */
  beginDrain(onIdle: () => void): void {
    this.#draining = true;
    this.#onIdle = onIdle;
  }
}

export async function drain(
  app: FastifyInstance,
  inFlight: InFlight,
  graceMs: number,
  clock: Clock,
): Promise<DrainResult> {
  let cut = 0;
  const server = app.server;
  // Connections whose answer just ended would otherwise idle until their keep-alive runs out.
  inFlight.beginDrain(() => server.closeIdleConnections());
  const closed = app.close();
  const graceOver = new AbortController();
  clock.sleep(graceMs, graceOver.signal).then(
    () => {
      cut = inFlight.count;
      server.closeAllConnections();
    },
    () => {},
  );
  try {
    await closed;
  } finally {
    graceOver.abort();
  }
  return { cut };
}
