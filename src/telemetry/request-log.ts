/**
 * One structured line per request: what was asked (route, dialect, streaming, payload bytes),
 * what happened (target, tier, attempts, cache, fallback, status, error code and the provider's
 * message, tokens, cost, stop reason, the upstream's request id, the trace id), how long it took,
 * and whose request it was (the client key's id). Never a key; never the prompt or an answer
 * unless the operator opted in to content logging, and then truncated (content-log.ts).
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
  /** A hedge raced the answering attempt: `won` when the hedge answered, `lost` when it did not. */
  hedge?: 'won' | 'lost';
  /** The breakwater error code, when the answer was an error. */
  code?: string;
  stream?: boolean;
  /** The gateway client key's id; absent when the gateway has no client keys. */
  tenant?: string;
  /** Time spent in breakwater before the answer's headers, upstream attempts excluded. */
  overheadMs?: number;
  /** A shutdown ended the request before it was over (its grace period ran out, or a second signal). */
  cut?: true;
  /** The request body's size, from its `content-length`. */
  requestBytes?: number;
  /** The tier of the target that answered (0 the first; -1 the context-window fallback). */
  tier?: number;
  /** Tokens the answering target reported: the whole prompt, and every generated token. */
  inputTokens?: number;
  outputTokens?: number;
  /** The answer's cost at the catalog's prices, in US dollars. */
  costUsd?: number;
  stopReason?: string;
  /** The answering (or last failing) upstream's own request id. */
  upstreamRequestId?: string;
  /** The provider's error message, with keys and long quotations cut out. */
  providerMessage?: string;
  /** The call's trace id, when a span was made or the caller sent a `traceparent`. */
  traceId?: string;
  /** Prompt and answer text, truncated: only with `telemetry.logs.content.enabled`. */
  prompt?: string;
  completion?: string;
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
