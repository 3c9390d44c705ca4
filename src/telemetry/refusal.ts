/**
 * A call refused before it reached the engine — a malformed body, a client key over its own
 * limits, a route the key may not use — published on `breakwater:request:end` like any other
 * ending (`started: false`), so that metrics count it as breakwater's own answer beside the
 * provider's, and a dashboard sees every 4xx the gateway gave.
 */
import type { DialectName } from '../dialects/dialect-name.ts';
import { channels } from '../engine/channels.ts';
import type { BreakwaterError } from '../errors/index.ts';

export interface Refused {
  /** The engine the call was meant for. */
  source: object;
  route: string | undefined;
  dialect: DialectName;
  stream: boolean;
  tenant: string | undefined;
  requestId: string;
  durationMs: number;
}

export function publishRefusal(refused: Refused, error: BreakwaterError): void {
  if (!channels.requestEnd.hasSubscribers) return;
  channels.requestEnd.publish({
    call: {
      source: refused.source,
      route: refused.route ?? '',
      dialect: refused.dialect,
      stream: refused.stream,
      tenant: refused.tenant,
      requestId: refused.requestId,
      headers: undefined,
      trace: undefined,
      startedAt: 0,
    },
    started: false,
    answer: undefined,
    error,
    abandoned: false,
    usage: undefined,
    stopReason: undefined,
    durationMs: refused.durationMs,
    firstChunkMs: undefined,
  });
}
