/**
 * A non-2xx answer → the classified error. The error body is read up to a bound (1 MiB by
 * default) so a misbehaving upstream or proxy cannot make us buffer without limit; past the bound
 * the connection is destroyed rather than drained. If the read fails part way (idle timeout,
 * reset), the status still decides, with whatever body arrived; if the caller's signal or the
 * deadline fired, that wins, as everywhere else.
 */
import type { Readable } from 'node:stream';
import type { DialectName } from '../dialects/dialect-name.ts';
import type { HeaderRecord } from '../dialects/headers.ts';
import {
  type BreakwaterError,
  classifyResponse,
  type NetworkErrorContext,
} from '../errors/index.ts';
import { upstreamFailure } from './upstream-failure.ts';

/** @default 1 MiB */
export const DEFAULT_MAX_ERROR_BODY_BYTES = 1024 * 1024;

export interface BoundedText {
  text: string;
  /** The body was longer than the bound and was cut (its connection destroyed). */
  truncated: boolean;
  /** Why the read stopped early, if it failed. */
  error?: unknown;
}

/** Reads at most `maxBytes` of `body` as UTF-8; destroys the stream if there is more. */
export async function readBounded(body: Readable, maxBytes: number): Promise<BoundedText> {
  const chunks: Buffer[] = [];
  let size = 0;
  let truncated = false;
  let error: unknown;
  try {
    for await (const chunk of body) {
      const buf = chunk as Buffer;
      if (size + buf.length > maxBytes) {
        chunks.push(buf.subarray(0, maxBytes - size));
        size = maxBytes;
        truncated = true;
        break; // leaving the loop destroys the stream and its socket
      }
      chunks.push(buf);
      size += buf.length;
    }
  } catch (err) {
    error = err;
  }
  if (!body.destroyed && !body.readableEnded) body.destroy();
  const text = Buffer.concat(chunks, size).toString('utf8');
  return error === undefined ? { text, truncated } : { text, truncated, error };
}

export interface ErrorResponseInput {
  dialect: DialectName;
  status: number;
  headers: HeaderRecord;
  body: Readable;
  maxBodyBytes: number;
  signal: AbortSignal | undefined;
  ctx: NetworkErrorContext;
  nowMs: number;
}

export async function errorFromResponse(input: ErrorResponseInput): Promise<BreakwaterError> {
  const read = await readBounded(input.body, input.maxBodyBytes);
  if (read.error !== undefined && input.signal?.aborted) {
    return upstreamFailure(read.error, input.signal, input.ctx);
  }
  return classifyResponse({
    dialect: input.dialect,
    status: input.status,
    headers: input.headers,
    body: read.text,
    provider: input.ctx.provider,
    model: input.ctx.model,
    nowMs: input.nowMs,
  });
}
