/**
 * What the gateway learns about one request as it goes — who sent it, which route, what the
 * engine did, how it ended — gathered in one place so a single log line can be written when the
 * connection's answer is over, however it ends (sent, failed, or the client left).
 */
import type { FastifyReply } from 'fastify';
import type { DialectName } from '../dialects/dialect-name.ts';
import { totalInputTokens, type Usage } from '../dialects/usage.ts';
import type { AnswerMeta } from '../engine/engine.ts';
import type { BreakwaterError } from '../errors/index.ts';
import { safeProviderMessage } from '../telemetry/provider-message.ts';
import type { RequestRecord } from '../telemetry/request-log.ts';
import type { ClientIdentity } from './client-keys.ts';

export class Exchange {
  readonly startedAt: number;
  identity: ClientIdentity | undefined = undefined;
  /** An operator: the admin key, or anyone at a gateway without client keys (admin-key.ts). */
  admin = false;
  dialect: DialectName | undefined = undefined;
  route: string | undefined = undefined;
  stream: boolean | undefined = undefined;
  meta: AnswerMeta | undefined = undefined;
  error: BreakwaterError | undefined = undefined;
  overheadMs: number | undefined = undefined;
  /** Cancels the engine call when the client goes away; set on the completion routes only. */
  abort: AbortController | undefined = undefined;
  /** The reply, for a shutdown that must end the request before it is over (drain.ts). */
  reply: FastifyReply | undefined = undefined;
  /** Ends a stream under way with `frame` (an error event in its dialect); set by sse-reply.ts. */
  cutStream: ((frame: Uint8Array) => void) | undefined = undefined;
  /** A shutdown ended this request before it was over. */
  cut = false;
  /** The engine was asked: its own `request:end` tells telemetry how the call ended. */
  called = false;
  usage: Usage | undefined = undefined;
  stopReason: string | undefined = undefined;
  costUsd: number | undefined = undefined;
  requestBytes: number | undefined = undefined;
  /** Set by the tracing subscriber through the engine call's `trace` option. */
  traceId: string | undefined = undefined;
  /** Truncated prompt and answer text, only with content logging on. */
  prompt: string | undefined = undefined;
  completion: string | undefined = undefined;

  constructor(startedAt: number) {
    this.startedAt = startedAt;
  }

  /** The line for the request log; `finished`: the whole answer was written. */
  record(
    requestId: string,
    method: string,
    url: string,
    status: number,
    finished: boolean,
    now: number,
  ): RequestRecord {
    const query = url.indexOf('?');
    const record: RequestRecord = {
      requestId,
      method,
      path: query === -1 ? url : url.slice(0, query),
      status,
      outcome: !finished ? 'client_closed' : status >= 400 || this.error ? 'error' : 'ok',
      latencyMs: Math.round((now - this.startedAt) * 1000) / 1000,
    };
    if (this.dialect) record.dialect = this.dialect;
    if (this.route !== undefined) record.route = this.meta?.route ?? this.route;
    if (this.stream !== undefined) record.stream = this.stream;
    if (this.identity) record.tenant = this.identity.id;
    if (this.requestBytes !== undefined) record.requestBytes = this.requestBytes;
    const meta = this.meta;
    if (meta) {
      if (meta.target) record.target = meta.target;
      record.attempts = meta.attempts;
      record.cache = meta.cache;
      record.fallback = meta.fallback;
      if (meta.coalesced !== undefined) record.coalesced = meta.coalesced;
      const answered = meta.target === undefined ? undefined : meta.trail.at(-1);
      if (answered) {
        record.tier = answered.tier;
        if (answered.requestId !== undefined) record.upstreamRequestId = answered.requestId;
      }
      if (meta.hedge !== undefined) record.hedge = meta.hedge;
    }
    const error = this.error;
    if (error) {
      record.code = error.code;
      const trail = error.attempts;
      if (trail && trail.length > 0) {
        record.target = trail[trail.length - 1]!.target;
        record.attempts = trail.filter((a) => a.result !== 'skipped').length;
      }
      if (error.requestId !== undefined) record.upstreamRequestId = error.requestId;
      const message = safeProviderMessage(error.providerMessage);
      if (message !== undefined) record.providerMessage = message;
    }
    const usage = this.usage;
    if (usage) {
      record.inputTokens = totalInputTokens(usage);
      record.outputTokens = usage.outputTokens;
    }
    if (this.costUsd !== undefined) record.costUsd = Math.round(this.costUsd * 1e8) / 1e8;
    if (this.stopReason !== undefined) record.stopReason = this.stopReason;
    if (this.overheadMs !== undefined) record.overheadMs = this.overheadMs;
    if (this.cut) record.cut = true;
    if (this.traceId !== undefined) record.traceId = this.traceId;
    if (this.prompt !== undefined) record.prompt = this.prompt;
    if (this.completion !== undefined) record.completion = this.completion;
    return record;
  }
}
