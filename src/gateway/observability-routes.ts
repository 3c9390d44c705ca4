/**
 * What operators watch:
 *
 *   GET /metrics          Prometheus text (telemetry/metrics.ts). Open at a gateway without
 *                         client keys (it listens on loopback only); with client keys, only the
 *                         admin key reads it (admin-key.ts) — Prometheus sends it with
 *                         `authorization: { credentials: … }` in its scrape config.
 *   GET /dashboard        the status page: one HTML file (assets/dashboard.html) with its script
 *                         inline, no build step; open, as it holds no figures.
 *   GET /dashboard/data   the page's figures: per target its breaker, request rate, errors by
 *                         class, p50/p95 latency, limiter use and queue depth; fallbacks, cache
 *                         hits, spend against budget. An operator sees everything; a client key
 *                         its own tenant's traffic, spend and quotas.
 */
import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import type { BudgetOptions } from '../budget/budget-guard.ts';
import { BreakwaterError } from '../errors/index.ts';
import { budgetUses } from '../telemetry/budget-limits.ts';
import type { Telemetry } from '../telemetry/instrument.ts';
import type { AdminKey } from './admin-key.ts';
import { adminOnly } from './gateway-errors.ts';
import { type HealthDeps, statusFor } from './health-routes.ts';

export interface ObservabilityDeps extends HealthDeps {
  telemetry: Telemetry;
  admin: AdminKey;
  budgets: BudgetOptions | undefined;
}

/** How often the page asks for its figures. */
const DASHBOARD_REFRESH_MS = 2_000;

const PAGE_URL = new URL('../../assets/dashboard.html', import.meta.url);
let page: string | undefined;

export function registerObservabilityRoutes(app: FastifyInstance, deps: ObservabilityDeps): void {
  const { telemetry } = deps;
  app.get('/metrics', async (request, reply) => {
    if (!request.bw.admin) throw adminOnly('/metrics', deps.admin.configured);
    const metrics = telemetry.metrics;
    if (!metrics) {
      throw new BreakwaterError('not_found', 'metrics are off in this gateway’s config', {
        origin: 'breakwater',
        hint: 'Set telemetry.metrics.enabled: true (the default) to serve /metrics.',
      });
    }
    const text = await metrics.text();
    return reply.type(metrics.registry.contentType).send(text);
  });

  app.get('/dashboard', async (_request, reply) => {
    page ??= readFileSync(PAGE_URL, 'utf8');
    return reply
      .type('text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      .header(
        'content-security-policy',
        "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; img-src data:",
      )
      .send(page);
  });

  app.get('/dashboard/data', async (request, reply) => {
    // Requests in flight besides this one, which the page makes every few seconds.
    const status = { ...statusFor(request, deps), inFlight: Math.max(0, deps.inFlight.count - 1) };
    const tenant = 'tenant' in status ? status.tenant : undefined;
    const report = 'tenant' in status ? status.tenant.budgets : (status.limiter?.budgets ?? {});
    return reply.header('cache-control', 'no-store').send({
      generatedAt: new Date().toISOString(),
      refreshMs: DASHBOARD_REFRESH_MS,
      scope: tenant ? 'tenant' : 'all',
      tenant: tenant?.id,
      quota: tenant?.quota,
      info: telemetry.info,
      status,
      live: telemetry.live?.figures(tenant?.id),
      budgets: budgetUses(report, deps.budgets),
    });
  });
}
