/**
 * Reads a request body: bytes up to the body limit, checked against `content-length`, then
 * decoded per `content-encoding` (gzip, deflate, br, or a list of them) with the limit applied to
 * the decoded size too, so a decompression bomb is a 413 like any other large body. An encoding
 * the gateway does not decode is a 415 naming it.
 *
 * Written here rather than left to Fastify's own reader (`parseAs: 'buffer'`) for one thing that
 * reader cannot do: stop. The server's request timeout (build-gateway.ts) finds a body that never
 * ends; the client-error handler then asks the read in progress on that socket to stop
 * (`stopBodyRead`), and the read ends with the 408 the route's error handler answers in the
 * caller's dialect. A client that leaves mid-body ends the read as `aborted`, logged as a client
 * that closed, not as a failure of the gateway.
 */
import type { Socket } from 'node:net';
import type { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { brotliDecompress, gunzip, inflate, type ZlibOptions } from 'node:zlib';
import type { BreakwaterError } from '../errors/index.ts';
import {
  bodyNotDecodable,
  bodyTooLarge,
  clientClosedBody,
  contentLengthMismatch,
  unsupportedEncoding,
} from './gateway-errors.ts';

type Decode = (input: Buffer, options: ZlibOptions) => Promise<Buffer>;

const DECODERS: ReadonlyMap<string, Decode> = new Map<string, Decode>([
  ['gzip', promisify(gunzip)],
  ['x-gzip', promisify(gunzip)],
  ['deflate', promisify(inflate)],
  ['br', promisify(brotliDecompress) as Decode],
]);

/** More codings than this in one `content-encoding` are refused (each costs a decode). */
const MAX_CODINGS = 3;

/** The read in progress on a socket, for the client-error handler to stop. */
const READING: unique symbol = Symbol('breakwater.bodyRead');

interface ReadingSocket extends Socket {
  [READING]?: ((error: BreakwaterError) => void) | undefined;
}

/** Stops the body read in progress on `socket` with `error`; false when there is none. */
export function stopBodyRead(socket: Socket, error: BreakwaterError): boolean {
  const stop = (socket as ReadingSocket)[READING];
  if (stop === undefined) return false;
  stop(error);
  return true;
}

/**
 * The codings of a `content-encoding` header, in the order they must be undone; an error for one
 * the gateway does not decode. `identity` (and an empty header) means none.
 */
/** No `content-encoding`: nothing to undo, the same empty list for every such request. */
const NO_CODINGS: readonly string[] = Object.freeze([]);

export function codingsOf(header: string | undefined): readonly string[] | BreakwaterError {
  if (header === undefined) return NO_CODINGS;
  const codings = header
    .split(',')
    .map((c) => c.trim().toLowerCase())
    .filter((c) => c !== '' && c !== 'identity');
  if (codings.length > MAX_CODINGS) return unsupportedEncoding(header, MAX_CODINGS);
  for (const coding of codings) if (!DECODERS.has(coding)) return unsupportedEncoding(coding);
  return codings.reverse();
}

async function decode(body: Buffer, codings: readonly string[], limit: number): Promise<Buffer> {
  let out = body;
  for (const coding of codings) {
    try {
      out = await DECODERS.get(coding)!(out, { maxOutputLength: limit });
    } catch (err) {
      if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw bodyTooLarge(coding);
      throw bodyNotDecodable(coding);
    }
  }
  return out;
}

/**
 * Reads `payload` whole; `done` gets the decoded bytes or a `BreakwaterError`, exactly once.
 * `limit` bounds both the bytes received and the bytes decoded from them.
 */
export function readBody(
  payload: Readable,
  socket: Socket | undefined,
  headers: { 'content-length'?: string | undefined; 'content-encoding'?: string | undefined },
  limit: number,
  done: (error: BreakwaterError | null, body?: Buffer) => void,
): void {
  const codings = codingsOf(headers['content-encoding']);
  if (codings instanceof Error) {
    done(codings);
    return;
  }
  const declared =
    headers['content-length'] === undefined ? Number.NaN : Number(headers['content-length']);
  if (declared > limit) {
    done(bodyTooLarge());
    return;
  }

  const chunks: Buffer[] = [];
  let received = 0;
  let over = false;
  const reading = socket as ReadingSocket | undefined;

  let settled = false;
  const finish = (error: BreakwaterError | null) => {
    if (settled) return;
    settled = true;
    payload.off('data', onData);
    payload.off('end', onEnd);
    payload.off('error', onClose);
    payload.off('close', onClose);
    if (reading?.[READING] === finish) reading[READING] = undefined;
    if (error) return done(error);
    const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, received);
    if (codings.length === 0) return done(null, body);
    decode(body, codings, limit).then(
      (decoded) => done(null, decoded),
      (err: BreakwaterError) => done(err),
    );
  };
  const onData = (chunk: Buffer) => {
    received += chunk.length;
    if (received > limit) {
      over = true;
      return finish(bodyTooLarge());
    }
    chunks.push(chunk);
  };
  const onEnd = () => {
    if (over) return;
    // Node ends the body of a request whose client left mid-way too; only `complete` tells.
    if ((payload as { complete?: boolean }).complete === false) return finish(clientClosedBody());
    if (!Number.isNaN(declared) && declared !== received) return finish(contentLengthMismatch());
    finish(null);
  };
  const onClose = () => finish(clientClosedBody());

  payload.on('data', onData);
  payload.on('end', onEnd);
  payload.on('error', onClose);
  payload.on('close', onClose);
  if (reading) reading[READING] = finish;
  payload.resume();
}
