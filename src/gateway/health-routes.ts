/**
 * The operators' endpoints: `GET /healthz` (the process answers), `GET /readyz` (it may take
 * traffic: config loaded, not draining, stores reachable) and `GET /status` (breakers, limiter,
 * routes, requests in flight; see status.ts) — all of it for an operator, a client key's own
 * spend and quotas for a client key (admin-key.ts).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ResolvedConfig } from '../config/config-types.ts';
import type { Engine } from '../engine/engine.ts';
import type { InFlight } from './drain.ts';
import { type ReadinessCheck, readiness } from './readiness.ts';
import {
  type GatewayStatus,
  gatewayStatus,
  type LimiterStatusSource,
  type TenantStatus,
  tenantStatus,
} from './status.ts';
import type { TenantQuota } from './tenant-quota.ts';

export interface HealthDeps {
  config: ResolvedConfig;
  engine: Engine;
  limiter: LimiterStatusSource | undefined;
  checks: readonly ReadinessCheck[];
  inFlight: InFlight;
  /** Epoch milliseconds. */
  startedAt: number;
  /** The client keys' own limits, for a key's view of `/status`. */
  quota: TenantQuota;
}

export function registerHealthRoutes(app: FastifyInstance, deps: HealthDeps): void {
  const { inFlight } = deps;
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    const result = await readiness(deps.checks, inFlight.draining);
    const status = result.ready ? (result.degraded ? 'degraded' : 'ready') : 'not_ready';
    return reply.code(result.ready ? 200 : 503).send({ status, ...result });
  });
  app.get('/status', async (request) => statusFor(request, deps));
}

/** The whole status for an operator; a client key's own view otherwise (status.ts). */
export function statusFor(request: FastifyRequest, deps: HealthDeps): GatewayStatus | TenantStatus {
  const status = gatewayStatus({
    config: deps.config,
    engine: deps.engine,
    limiter: deps.limiter,
    draining: deps.inFlight.draining,
    inFlight: deps.inFlight.count,
    startedAt: deps.startedAt,
    now: Date.now(),
  });
  const { admin, identity } = request.bw;
  if (admin || identity === undefined) return status;
  return tenantStatus(status, identity.id, deps.quota.report(identity.id));
}
