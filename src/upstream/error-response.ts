/**
 * A non-2xx answer → the classified error. The error body is read up to a bound (1 MiB by
 * default) so a misbehaving upstream or proxy cannot make us buffer without limit; past the bound
 * the connection is destroyed rather than drained. If the read fails part way (idle timeout,
 * reset), the status still decides, with whatever body arrived; if the caller's signal or the
 * deadline fired, that wins, as everywhere else.
 */

import { classifyResponse } from '../dialects/classify.ts';
import type { DialectName } from '../dialects/dialect-name.ts';
import type { HeaderRecord } from '../dialects/headers.ts';
import type { NetworkErrorContext } from '../errors/index.ts';
import type { AttemptHandler } from './attempt-handler.ts';

/** @default 1 MiB */
export const DEFAULT_MAX_ERROR_BODY_BYTES = 1024 * 1024;

export interface ErrorResponseInput {
  dialect: DialectName;
  status: number;
  headers: HeaderRecord;
  /** The attempt's handler, holding the error body as it arrives. */
  source: AttemptHandler;
  maxBodyBytes: number;
  ctx: NetworkErrorContext;
  nowMs: number;
}

/** Reads the error body (bounded) and classifies the answer; resolves, never rejects. */
export async function errorFromResponse(input: ErrorResponseInput): Promise<Error> {
  const read = await input.source.readBounded(input.maxBodyBytes);
  if (read.aborted) return read.aborted;
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
