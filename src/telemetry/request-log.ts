/**
 * One structured line per request: what was asked (route, dialect, streaming), what happened
 * (target, attempts, cache, fallback, status, error code), how long it took, and whose request it
 * was (the client key's id). Never the prompt, never an answer, never a key: the record has no
 * field that could hold one, and the logger's redaction backs that up.
 */
import type { BaseLogger } from 'pino';
import { writeLine } from './logger.ts';

export type RequestOutcome = 'ok' | 'error' | 'client_closed';

export interface RequestRecord {
  requestId: string;
  method: string;
  /** The path without its query string. */
  path: string;
  status: number;
  outcome: RequestOutcome;
  /** Milliseconds from the request's arrival to the end of the answer. */
  latencyMs: number;
  dialect?: 'openai' | 'anthropic';
  /** The route the request named (body `model` or `x-breakwater-route`). */
  route?: string;
  /** The target that answered, or the last one tried. */
  target?: string;
  attempts?: number;
  cache?: string;
  fallback?: string;
  /** Callers that shared this request's upstream call (coalescing), when more than one did. */
  coalesced?: number;
  /** The breakwater error code, when the answer was an error. */
  code?: string;
  stream?: boolean;
  /** The gateway client key's id; absent when the gateway has no client keys. */
  tenant?: string;
  /** Time spent in breakwater before the answer's headers, upstream attempts excluded. */
  overheadMs?: number;
}

export function logRequest(
  logger: Pick<BaseLogger, 'info' | 'warn' | 'error'>,
  record: RequestRecord,
): void {
  const level =
    record.status >= 500 && record.code === 'server_error'
      ? 'error'
      : record.status >= 500
        ? 'warn'
        : 'info';
  writeLine(logger, level, record, 'request');
}
