/**
 * Writes the engine's decisions to a logger, as structured fields — never a prompt, never a key:
 * every breaker transition (warn when a target is ejected, info when it recovers), every failed
 * or skipped attempt (info), and at debug one line per attempt that answered, per backoff wait,
 * per fallback and per cached or static answer, each with the request id of its call so the
 * lines join the request line; every call shared by coalesced callers and every preflight
 * warning (info); a fleet's store going down (warn) and coming back (info). The limiter's notices go through limiter-log.ts.
 *
 * The logger is any pino-compatible object; debug lines are subscribed to only when its level
 * lets them through, so an info-level gateway hears nothing it would drop.
 */
import type { Engine } from '../engine/engine.ts';
import type { AttemptEnd, CallInfo } from '../engine/engine-events.ts';
import { logLimiterEvent } from './limiter-log.ts';
import { safeProviderMessage } from './provider-message.ts';
import { type EngineHandlers, type Sources, subscribe } from './subscription.ts';

type Fields = Record<string, unknown>;

export interface EventLogger {
  info(fields: Fields, message: string): void;
  warn(fields: Fields, message: string): void;
  debug?(fields: Fields, message: string): void;
  isLevelEnabled?(level: string): boolean;
}

/** `requestId` and `traceId` of the call, when known, for joining lines. */
function ids(call: CallInfo): Fields {
  const fields: Fields = {};
  if (call.requestId !== undefined) fields.requestId = call.requestId;
  if (call.trace?.traceId !== undefined) fields.traceId = call.trace.traceId;
  return fields;
}

function attemptFields(end: AttemptEnd): Fields {
  const { record, call, start, error } = end;
  const fields: Fields = {
    event: 'attempt',
    ...ids(call),
    route: call.route,
    target: record.target,
    tier: record.tier,
    result: record.result,
  };
  if (start) fields.attempt = start.attempt;
  if (record.hedge) fields.hedge = true;
  if (record.code !== undefined) fields.code = record.code;
  if (record.status !== undefined) fields.status = record.status;
  fields.latencyMs = Math.round(record.latencyMs);
  if (end.firstByteMs !== undefined) fields.firstByteMs = Math.round(end.firstByteMs);
  if (record.requestId !== undefined) fields.upstreamRequestId = record.requestId;
  const message = safeProviderMessage(error?.providerMessage);
  if (message !== undefined) fields.providerMessage = message;
  return fields;
}

export function logEngineEvents(sources: Sources, logger: EventLogger): () => void {
  const debug =
    logger.debug !== undefined && (logger.isLevelEnabled?.('debug') ?? true)
      ? logger.debug.bind(logger)
      : undefined;
  const handlers: EngineHandlers = {
    breaker({ target, from, to, openMs }) {
      const fields = { event: 'breaker', target, from, to, openMs };
      if (to === 'open') logger.warn(fields, `circuit opened for ${target} for ${openMs} ms`);
      else if (to === 'half_open')
        logger.info(fields, `circuit half-open for ${target}: one probe`);
      else logger.info(fields, `circuit closed for ${target}`);
    },
    attemptEnd(end) {
      const { record } = end;
      if (record.result === 'ok') {
        debug?.(attemptFields(end), `${record.target} answered ${record.status ?? ''}`.trim());
        return;
      }
      const verb = record.result === 'skipped' ? 'skipped' : 'failed';
      logger.info(attemptFields(end), `${record.target} ${verb}: ${record.code}`);
    },
    limiter: ({ event }) => logLimiterEvent(logger, event),
  };
  if (debug) {
    handlers.retry = ({ call, target, attempt, delayMs, reason }) =>
      debug(
        { event: 'retry', ...ids(call), route: call.route, target, attempt, delayMs, reason },
        `retrying ${target} in ${Math.round(delayMs)} ms after ${reason}`,
      );
    handlers.fallback = ({ call, from, to, why, kind }) =>
      debug(
        { event: 'fallback', ...ids(call), route: call.route, from, to, why, kind },
        `falling back from ${from || call.route} to ${to} after ${why}`,
      );
    handlers.cache = ({ call, outcome, purpose }) =>
      debug(
        { event: 'cache', ...ids(call), route: call.route, outcome, purpose },
        `served a ${outcome === 'stale' ? 'stale ' : ''}cached answer for ${call.route}`,
      );
    handlers.hedge = ({ call, from, to }) =>
      debug(
        { event: 'hedge', ...ids(call), route: call.route, from, to },
        `hedging ${from} with ${to}`,
      );
    handlers.static = ({ call, why }) =>
      debug(
        { event: 'static', ...ids(call), route: call.route, why },
        `served the static message of ${call.route} after ${why}`,
      );
  }
  const stop = subscribe(sources, handlers);
  // Preflight warnings, calls shared by coalesced callers and the store's health come from the
  // engine's own emitter.
  const onEvent = (sources.engine as Partial<Pick<Engine, 'onEvent'>> | undefined)?.onEvent;
  const shared = onEvent?.((event) => {
    if (event.type === 'warning') {
      // Rules and paths only: the messages name fields, never their text.
      const rules = event.warnings.map((w) => w.rule);
      const paths = event.warnings.map((w) => w.path.join('.'));
      logger.info(
        { event: 'preflight_warning', route: event.route, rules, paths },
        `request to ${event.route} ${event.warnings.map((w) => w.message).join('; ')}`,
      );
    } else if (event.type === 'coalesced') {
      const { route, callers } = event;
      logger.info(
        { event: 'coalesced', route, callers },
        `${callers} identical calls to ${route} shared one upstream call`,
      );
    } else if (event.type === 'store') {
      const { change } = event;
      if (change.state === 'degraded') {
        logger.warn(
          { event: 'store', store: change.store, state: 'degraded', reason: change.reason },
          `${change.store} store unreachable (${change.reason}): serving on this gateway's share of every limit and budget until it answers`,
        );
      } else {
        const { store, degradedMs } = change;
        logger.info(
          { event: 'store', store, state: 'recovered', degradedMs },
          `${store} store answers again after ${degradedMs} ms: back to the fleet's shared state`,
        );
      }
    }
  });
  return () => {
    stop();
    shared?.dispose();
  };
}
