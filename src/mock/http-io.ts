/**
 * Small node:http helpers for the simulator: read a body with a size cap, send a finished
 * reply, sleep on the injected clock unless there is nothing to wait, and wait until a signal
 * aborts (a hang lasts until the client or the server gives up).
 */

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Clock } from '../core/clock.ts';
import type { ErrorReply } from './error-reply.ts';

/** Both providers refuse bodies over 32 MB. */
export const MAX_BODY_BYTES = 32 * 1024 * 1024;

export class BodyTooLarge extends Error {}

export async function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new BodyTooLarge(`body over ${limit} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export function sendReply(
  res: ServerResponse,
  reply: ErrorReply,
  extraHeaders: Record<string, string> = {},
): void {
  if (res.headersSent || res.destroyed) return;
  const body = Buffer.from(reply.body, 'utf8');
  res.writeHead(reply.status, {
    ...extraHeaders,
    ...reply.headers,
    'content-length': String(body.length),
  });
  res.end(body);
}

export function sendJson(res: ServerResponse, status: number, value: unknown): void {
  sendReply(res, {
    status,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(value),
  });
}

/** Sleeps `ms` on the clock; returns at once for 0 so a ManualClock never has to be advanced. */
export async function pause(clock: Clock, ms: number, signal: AbortSignal): Promise<void> {
  if (ms > 0) await clock.sleep(ms, signal);
  else if (signal.aborted) throw signal.reason;
}

/** Resolves when `res` can take more (or is gone); rejects when the signal aborts. */
export function drained(res: ServerResponse, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      res.off('drain', done);
      res.off('close', done);
      signal.removeEventListener('abort', aborted);
    };
    const done = () => {
      cleanup();
      resolve();
    };
    const aborted = () => {
      cleanup();
      reject(signal.reason);
    };
    if (signal.aborted) return reject(signal.reason);
    res.on('drain', done);
    res.on('close', done);
    signal.addEventListener('abort', aborted, { once: true });
  });
}

/** Resolves never; rejects when the signal aborts. */
export function untilAborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    else signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}
