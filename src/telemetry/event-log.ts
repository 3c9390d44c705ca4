/**
 * Writes the engine's events to a logger: every breaker transition (warn when a target is
 * ejected, info when it recovers), every failed attempt, every call shared by coalesced callers
 * and every preflight warning (info), as structured fields — never
 * a prompt, never a key. The logger is any pino-compatible object; the library stays silent
 * unless given one, the gateway passes its own.
 */
import type { Engine, EngineEvent } from '../engine/engine.ts';

export interface EventLogger {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
}

export function logEngineEvents(engine: Engine, logger: EventLogger): { dispose(): void } {
  return engine.onEvent((event: EngineEvent) => {
    if (event.type === 'breaker') {
      const { from, to, openMs } = event.transition;
      const fields = { event: 'breaker', target: event.target, from, to, openMs };
      if (to === 'open') logger.warn(fields, `circuit opened for ${event.target} for ${openMs} ms`);
      else if (to === 'half_open')
        logger.info(fields, `circuit half-open for ${event.target}: one probe`);
      else logger.info(fields, `circuit closed for ${event.target}`);
      return;
    }
    if (event.type === 'warning') {
      // Rules and paths only: the messages name fields, never their text.
      const rules = event.warnings.map((w) => w.rule);
      const paths = event.warnings.map((w) => w.path.join('.'));
      logger.info(
        { event: 'preflight_warning', route: event.route, rules, paths },
        `request to ${event.route} ${event.warnings.map((w) => w.message).join('; ')}`,
      );
      return;
    }
    if (event.type === 'coalesced') {
      const { route, callers } = event;
      logger.info(
        { event: 'coalesced', route, callers },
        `${callers} identical calls to ${route} shared one upstream call`,
      );
      return;
    }
    const { record } = event;
    if (record.result === 'ok') return;
    logger.info(
      {
        event: 'attempt',
        route: event.route,
        target: record.target,
        tier: record.tier,
        result: record.result,
        code: record.code,
        status: record.status,
        latencyMs: Math.round(record.latencyMs),
      },
      `${record.target} ${record.result === 'skipped' ? 'skipped' : 'failed'}: ${record.code}`,
    );
  });
}
