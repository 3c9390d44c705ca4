/**
 * `GET /status`: a JSON snapshot for operators — every target's circuit breaker (state, and
 * until when it stays open), the routes, requests in flight, and whatever the limiter reports.
 *
 * The limiter plugs in through `LimiterStatusSource`, one method returning plain numbers: overall
 * figures (queue depth) and, per target id, its own (in flight, queued, RPM/TPM use). Each
 * target's figures are shown beside its breaker. Every field is optional, so a limiter reports
 * what it has.
 */
import type { ResolvedConfig } from '../client/config-types.ts';
import type { Engine } from '../engine/engine.ts';
import type { BreakerSnapshot } from '../policy/breaker.ts';

/** A limit's use in its current window. */
export interface LimitUse {
  used: number;
  limit: number;
}

/** One target's limiter figures. */
export interface TargetLimiterStatus {
  /** Attempts holding a lease now. */
  inFlight?: number;
  /** Calls waiting in the queue for this target. */
  queued?: number;
  rpm?: LimitUse;
  tpm?: LimitUse;
  [more: string]: unknown;
}

export interface LimiterStatus {
  /** Calls waiting, all targets together. */
  queued?: number;
  /** By target id (`provider/model`). */
  targets?: Record<string, TargetLimiterStatus>;
  [more: string]: unknown;
}

/** What a limiter (or any admission) implements to show up in `/status`. */
export interface LimiterStatusSource {
  status(): LimiterStatus;
}

export interface TargetStatus {
  target: string;
  provider: string;
  model: string;
  breaker: BreakerSnapshot & { openUntilIso?: string; retryAfterMs?: number };
  limiter?: TargetLimiterStatus;
}

export interface GatewayStatus {
  status: 'serving' | 'draining';
  startedAt: string;
  uptimeMs: number;
  inFlight: number;
  routes: { name: string; tiers: string[][] }[];
  targets: TargetStatus[];
  limiter?: Omit<LimiterStatus, 'targets'>;
}

export interface StatusInput {
  config: ResolvedConfig;
  engine: Engine;
  limiter: LimiterStatusSource | undefined;
  draining: boolean;
  inFlight: number;
  startedAt: number;
  now: number;
}

const CLOSED: BreakerSnapshot = Object.freeze({ state: 'closed', openMs: 0 });

export function gatewayStatus(input: StatusInput): GatewayStatus {
  const { config, engine, now } = input;
  const limiter = input.limiter?.status();
  const breakers = new Map<string, TargetStatus>();
  // Configured targets first, so a target nothing has called yet is listed (closed).
  for (const route of config.routes.values()) {
    const targets = [...route.tiers.flat()];
    if (route.contextFallback) targets.push(route.contextFallback);
    for (const t of targets) {
      if (!breakers.has(t.id)) {
        breakers.set(t.id, {
          target: t.id,
          provider: t.provider.name,
          model: t.model,
          breaker: { ...CLOSED, openMs: route.policy.breaker.openMs },
        });
      }
    }
  }
  for (const { target, breaker } of engine.targets()) {
    const snapshot: TargetStatus['breaker'] = breaker.toJSON();
    if (snapshot.openUntil !== undefined) {
      snapshot.openUntilIso = new Date(snapshot.openUntil).toISOString();
      snapshot.retryAfterMs = Math.max(0, snapshot.openUntil - now);
    }
    breakers.set(target.id, {
      target: target.id,
      provider: target.provider.name,
      model: target.model,
      breaker: snapshot,
    });
  }
  const { targets: perTarget, ...overall } = limiter ?? {};
  for (const [id, figures] of Object.entries(perTarget ?? {})) {
    const entry = breakers.get(id);
    if (entry) entry.limiter = figures;
  }
  const status: GatewayStatus = {
    status: input.draining ? 'draining' : 'serving',
    startedAt: new Date(input.startedAt).toISOString(),
    uptimeMs: Math.max(0, now - input.startedAt),
    inFlight: input.inFlight,
    routes: [...config.routes.values()].map((r) => ({
      name: r.name,
      tiers: r.tiers.map((tier) => tier.map((t) => t.id)),
    })),
    targets: [...breakers.values()],
  };
  if (limiter) status.limiter = overall;
  return status;
}
