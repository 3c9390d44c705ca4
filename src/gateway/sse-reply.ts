/**
 * Writes an engine stream (SSE bytes in the caller's dialect, terminator included) to the socket
 * as it comes: headers at once, each chunk written the moment it arrives (no compression, no
 * proxy buffering), and the socket's back-pressure respected. A client that goes away stops the
 * loop; the engine's iterator is then abandoned (`return()`), which closes the upstream socket —
 * and the call's AbortSignal, tied to the same socket, has already cancelled any read in progress.
 * A stream the engine cuts (`ended` with `cut`: the client did not take the next frame within
 * the idle time, or the stream outlived `maxStreamMs`) ends here too: a client whose socket is
 * still taking what is written gets the engine's error frame and the end of the response; one
 * whose socket is full — it is not reading, or reading too slowly — has its socket destroyed,
 * since nothing more would get through.
 */
import type { ServerResponse } from 'node:http';
import type { FastifyReply } from 'fastify';
import type { StreamEnd } from '../engine/caller-stream.ts';

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

/**
 * Streams `body` to the client; never throws (the client may be gone at any point).
 *
 * The chunks that come in one go — the frames the engine makes from one read of the upstream
 * socket, all ready within the same turn of the event loop — are written together: gathered
 * until the turn's microtasks are done (`process.nextTick`), then one `res.write`. Node's HTTP
 * response already sends a turn's writes in one system call, but each write still went through
 * its chunked framing and stream bookkeeping on its own: a 32-token stream that arrives in one
 * read made about 60 buffered writes, and they were a sixth of the gateway's CPU for that stream.
 * Nothing waits longer than the turn it was made in, and the first chunk — the engine hands over
 * everything up to the first content as one — does not wait at all.
 */
export async function sendStream(
  reply: FastifyReply,
  body: AsyncIterable<Uint8Array>,
  headers: Record<string, string>,
  exchange?: { cutStream: ((frame: Uint8Array) => void) | undefined },
  ended?: Promise<StreamEnd>,
): Promise<void> {
  reply.hijack();
  const res = reply.raw;
  /** Set when a shutdown ended the stream with a last frame of its own (drain.ts). */
  let cut = false;
  res.on('error', () => {}); // a write racing a client that left
  const iterator = body[Symbol.asyncIterator]();
  let complete = false;
  let first = true;
  let gathered: Uint8Array[] = [];
  let flushQueued = false;
  /** Set when the socket's buffer is full: wait for it to drain before reading on. */
  let full: Promise<void> | undefined;
  const flush = () => {
    flushQueued = false;
    if (gathered.length === 0) return;
    const data = gathered.length === 1 ? gathered[0]! : Buffer.concat(gathered);
    gathered = [];
    if (!res.destroyed && !res.write(data)) full ??= writable(res);
  };
  /** A read from the engine is in progress. */
  let reading = false;
  /** The engine cut the stream: the client stopped reading, or the stream lived too long. */
  let tooLong = false;
  void ended?.then((end) => {
    if (!end.cut) return;
    tooLong = true;
    // Not waiting for the engine's error frame, or the socket is full: nothing more gets through.
    if ((!reading || full) && !res.destroyed) res.destroy();
  });
  if (exchange) {
    exchange.cutStream = (frame) => {
      if (cut || res.destroyed || res.writableEnded) return;
      cut = true;
      flush();
      res.end(frame);
    };
  }
  try {
    res.writeHead(200, {
      ...(reply.getHeaders() as Record<string, string>),
      ...headers,
      ...SSE_HEADERS,
    });
    // No flushHeaders(): the engine hands the stream over at its commit point, with the first
    // content in hand, so the headers go out in the same write (and packet) as the first frames.
    while (!res.destroyed && !cut) {
      if (full) {
        if (tooLong) {
          res.destroy();
          break;
        }
        await full;
        full = undefined;
        continue;
      }
      reading = true;
      const next = await iterator.next();
      reading = false;
      if (next.done) {
        complete = true;
        break;
      }
      if (res.destroyed || cut) break;
      if (first) {
        // The headers and the first content: out now, not at the end of the turn, which may
        // still frame everything else that arrived with it.
        first = false;
        if (!res.write(next.value)) full = writable(res);
        // Node corks the socket for the rest of the turn on a response's first write; let go
        // now. (Not `res.uncork()`: without a `res.cork()` before it, that leaves the response
        // counting itself corked and holding every later chunk.)
        res.socket?.uncork();
        continue;
      }
      gathered.push(next.value);
      if (!flushQueued) {
        flushQueued = true;
        process.nextTick(flush);
      }
    }
  } catch (err) {
    reply.log.error({ err, requestId: reply.request.id }, 'stream failed in the gateway');
  } finally {
    if (exchange) exchange.cutStream = undefined;
    if (!complete) await iterator.return?.().catch(() => undefined);
    if (cut) {
      // Ended by the shutdown with its error event: the frame must reach the client, so no destroy.
      gathered = [];
    } else if (complete && !res.destroyed) {
      flush();
      // A cut stream whose client is not keeping up: its end would never get through either.
      if (tooLong && (full || res.writableNeedDrain)) res.destroy();
      else res.end();
    } else {
      gathered = [];
      res.destroy();
    }
  }
}
