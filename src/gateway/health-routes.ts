/**
 * The operators' endpoints: `GET /healthz` (the process answers), `GET /readyz` (it may take
 * traffic: config loaded, not draining, stores reachable) and `GET /status` (breakers, limiter,
 * routes, requests in flight; see status.ts).
 */
import type { FastifyInstance } from 'fastify';
import type { ResolvedConfig } from '../config/config-types.ts';
import type { Engine } from '../engine/engine.ts';
import type { InFlight } from './drain.ts';
import { type ReadinessCheck, readiness } from './readiness.ts';
import { gatewayStatus, type LimiterStatusSource } from './status.ts';

export interface HealthDeps {
  config: ResolvedConfig;
  engine: Engine;
  limiter: LimiterStatusSource | undefined;
  checks: readonly ReadinessCheck[];
  inFlight: InFlight;
  /** Epoch milliseconds. */
  startedAt: number;
}

export function registerHealthRoutes(app: FastifyInstance, deps: HealthDeps): void {
  const { inFlight } = deps;
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    const result = await readiness(deps.checks, inFlight.draining);
    return reply
      .code(result.ready ? 200 : 503)
      .send({ status: result.ready ? 'ready' : 'not_ready', ...result });
  });
  app.get('/status', async () =>
    gatewayStatus({
      config: deps.config,
      engine: deps.engine,
      limiter: deps.limiter,
      draining: inFlight.draining,
      inFlight: inFlight.count,
      startedAt: deps.startedAt,
      now: Date.now(),
    }),
  );
}
