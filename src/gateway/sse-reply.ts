/**
 * Writes an engine stream (SSE bytes in the caller's dialect, terminator included) to the socket
 * as it comes: headers at once, each chunk written the moment it arrives (no compression, no
 * proxy buffering), and the socket's back-pressure respected. A client that goes away stops the
 * loop; the engine's iterator is then abandoned (`return()`), which closes the upstream socket —
 * and the call's AbortSignal, tied to the same socket, has already cancelled any read in progress.
 */
import type { ServerResponse } from 'node:http';
import type { FastifyReply } from 'fastify';

const SSE_HEADERS = Object.freeze({
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache',
  // nginx and similar proxies buffer responses unless told not to.
  'x-accel-buffering': 'no',
});

function writable(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

/** Streams `body` to the client; never throws (the client may be gone at any point). */
export async function sendStream(
  reply: FastifyReply,
  body: AsyncIterable<Uint8Array>,
  headers: Record<string, string>,
): Promise<void> {
  reply.hijack();
  const res = reply.raw;
  res.on('error', () => {}); // a write racing a client that left
  const iterator = body[Symbol.asyncIterator]();
  let complete = false;
  try {
    res.writeHead(200, {
      ...(reply.getHeaders() as Record<string, string>),
      ...headers,
      ...SSE_HEADERS,
    });
    // No flushHeaders(): the engine hands the stream over at its commit point, with the first
    // content in hand, so the headers go out in the same write (and packet) as the first frames.
    while (!res.destroyed) {
      const next = await iterator.next();
      if (next.done) {
        complete = true;
        break;
      }
      if (res.destroyed) break;
      if (!res.write(next.value)) await writable(res);
    }
  } catch (err) {
    reply.log.error({ err, requestId: reply.request.id }, 'stream failed in the gateway');
  } finally {
    if (!complete) await iterator.return?.().catch(() => undefined);
    if (complete && !res.destroyed) res.end();
    else res.destroy();
  }
}
