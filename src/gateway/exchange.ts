/**
 * What the gateway learns about one request as it goes — who sent it, which route, what the
 * engine did, how it ended — gathered in one place so a single log line can be written when the
 * connection's answer is over, however it ends (sent, failed, or the client left).
 */
import type { DialectName } from '../dialects/dialect-name.ts';
import type { AnswerMeta } from '../engine/engine.ts';
import type { BreakwaterError } from '../errors/index.ts';
import type { RequestRecord } from '../telemetry/request-log.ts';
import type { ClientIdentity } from './client-keys.ts';

export class Exchange {
  readonly startedAt: number;
  identity: ClientIdentity | undefined = undefined;
  dialect: DialectName | undefined = undefined;
  route: string | undefined = undefined;
  stream: boolean | undefined = undefined;
  meta: AnswerMeta | undefined = undefined;
  error: BreakwaterError | undefined = undefined;
  overheadMs: number | undefined = undefined;
  /** Cancels the engine call when the client goes away; set on the completion routes only. */
  abort: AbortController | undefined = undefined;

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
    const meta = this.meta;
    if (meta) {
      if (meta.target) record.target = meta.target;
      record.attempts = meta.attempts;
      record.cache = meta.cache;
      record.fallback = meta.fallback;
      if (meta.coalesced !== undefined) record.coalesced = meta.coalesced;
    }
    const error = this.error;
    if (error) {
      record.code = error.code;
      const trail = error.attempts;
      if (trail && trail.length > 0) {
        record.target = trail[trail.length - 1]!.target;
        record.attempts = trail.filter((a) => a.result !== 'skipped').length;
      }
    }
    if (this.overheadMs !== undefined) record.overheadMs = this.overheadMs;
    return record;
  }
}
