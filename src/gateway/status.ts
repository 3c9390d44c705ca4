/**
 * `GET /status`: a JSON snapshot for operators — every target's circuit breaker (state, and
 * until when it stays open), the routes, requests in flight, the engine's running totals
 * (answers replayed under an Idempotency-Key, calls coalesced), and, when the engine's admission is
 * a limiter (anything with `stats()`), each target's limit lanes beside its breaker (bucket
 * levels against limits, in flight, queue depths by priority, the adaptive factor) and the
 * totals: calls queued, attempts in flight, budget spend.
 */
import type { ResolvedConfig } from '../config/config-types.ts';
import type { Engine, EngineCounters } from '../engine/engine.ts';
import type { TargetState } from '../engine/target-state.ts';
import type { LaneStats, LimiterStats } from '../limiter/index.ts';
import type { BreakerSnapshot } from '../policy/breaker.ts';
import type { QuotaReport } from './tenant-quota.ts';

/** What a limiter implements to show up in `/status` (the limiter in src/limiter does). */
export interface LimiterStatusSource {
  stats(): LimiterStats;
}

export interface TargetStatus {
  target: string;
  provider: string;
  model: string;
  breaker: BreakerSnapshot & { openUntilIso?: string; retryAfterMs?: number };
  /** The target's limit lanes (one per limit scope and upstream key). */
  limiter?: LaneStats[];
}

export interface LimiterOverview {
  /** Calls waiting in every queue. */
  queued: number;
  /** Attempts holding a lease. */
  inFlight: number;
  budgets: LimiterStats['budgets'];
}

/** Where shared state lives, and for a fleet's store whether it answers. */
export interface StoreStatus {
  kind: 'memory' | 'redis';
  /** `shared`: the fleet's state in the store; `degraded`: this gateway's share, the store being down. */
  state?: 'shared' | 'degraded';
  /** Gateways the limits are shared among (configured or learned). */
  fleetSize?: number;
  /** Since when the store is down, and why. */
  degradedSince?: string;
  reason?: string;
  /** Times the store went down since start. */
  outages?: number;
}

export interface GatewayStatus {
  status: 'serving' | 'draining';
  store: StoreStatus;
  startedAt: string;
  uptimeMs: number;
  inFlight: number;
  routes: { name: string; tiers: string[][] }[];
  /**
   * The targets routes name, then at most `MAX_LISTED_UNNAMED` of the others (any client may
   * name one): those whose breaker is open or probing first, then the most recently used.
   */
  targets: TargetStatus[];
  /** Targets no route names: how many have state kept, how many of them `targets` lists. */
  unnamedTargets: { tracked: number; listed: number };
  /** Running totals: idempotent replays, coalesced calls. */
  engine: EngineCounters;
  limiter?: LimiterOverview;
  /** Requests that broke a rule the provider tolerates, by rule, since start (preflight). */
  preflightWarnings: Readonly<Record<string, number>>;
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

/** Targets no route names listed in `/status` at most; the rest are only counted. */
const MAX_LISTED_UNNAMED = 50;

function targetStatus({ target, breaker }: TargetState, now: number): TargetStatus {
  const snapshot: TargetStatus['breaker'] = breaker.toJSON();
  if (snapshot.openUntil !== undefined) {
    snapshot.openUntilIso = new Date(snapshot.openUntil).toISOString();
    snapshot.retryAfterMs = Math.max(0, snapshot.openUntil - now);
  }
  return {
    target: target.id,
    provider: target.provider.name,
    model: target.model,
    breaker: snapshot,
  };
}

/** `states` in order of last use, oldest first: those worth listing, at most the bound. */
function listedUnnamed(states: readonly TargetState[]): TargetState[] {
  const troubled = states.filter((s) => s.breaker.state !== 'closed');
  const recent: TargetState[] = [];
  for (let i = states.length - 1; i >= 0 && recent.length < MAX_LISTED_UNNAMED; i--) {
    if (states[i]!.breaker.state === 'closed') recent.push(states[i]!);
  }
  return [...troubled, ...recent].slice(0, MAX_LISTED_UNNAMED);
}

export function gatewayStatus(input: StatusInput): GatewayStatus {
  const { config, engine, now } = input;
  const limiter = input.limiter?.stats();
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
          breaker: { ...CLOSED, openMs: t.provider.breaker.openMs },
        });
      }
    }
  }
  const named = breakers.size;
  const unnamed: TargetState[] = [];
  for (const state of engine.targets()) {
    if (breakers.has(state.target.id)) breakers.set(state.target.id, targetStatus(state, now));
    else unnamed.push(state);
  }
  for (const state of listedUnnamed(unnamed))
    breakers.set(state.target.id, targetStatus(state, now));
  let overview: LimiterOverview | undefined;
  if (limiter) {
    overview = { queued: 0, inFlight: 0, budgets: limiter.budgets };
    for (const lane of limiter.lanes) {
      overview.inFlight += lane.inFlight;
      for (const waiting of Object.values(lane.waiting)) overview.queued += waiting;
      const entry = breakers.get(lane.target);
      if (!entry) continue;
      entry.limiter ??= [];
      entry.limiter.push(lane);
    }
  }
  const status: GatewayStatus = {
    status: input.draining ? 'draining' : 'serving',
    startedAt: new Date(input.startedAt).toISOString(),
    uptimeMs: Math.max(0, now - input.startedAt),
    inFlight: input.inFlight,
    store: storeStatus(engine),
    routes: [...config.routes.values()].map((r) => ({
      name: r.name,
      tiers: r.tiers.map((tier) => tier.map((t) => t.id)),
    })),
    targets: [...breakers.values()],
    unnamedTargets: { tracked: unnamed.length, listed: breakers.size - named },
    engine: engine.counters(),
    preflightWarnings: engine.warningCounts(),
  };
  if (overview) status.limiter = overview;
  return status;
}

/** What a client key may see of the status: no other tenant's spend, no shared queues. */
export interface TenantStatus extends Omit<GatewayStatus, 'limiter' | 'targets'> {
  targets: Omit<TargetStatus, 'limiter'>[];
  tenant: {
    id: string;
    /** The budgets that apply to this tenant only (`tenant|<id>|day`, …). */
    budgets: LimiterStats['budgets'];
    /** The key's own rate limits and what is left of them. */
    quota: QuotaReport | undefined;
  };
}

export function tenantStatus(
  status: GatewayStatus,
  tenant: string,
  quota: QuotaReport | undefined,
): TenantStatus {
  const { limiter, targets, ...shared } = status;
  const budgets: LimiterStats['budgets'] = {};
  for (const [key, entry] of Object.entries(limiter?.budgets ?? {})) {
    if (key.startsWith(`tenant|${tenant}|`)) budgets[key] = entry;
  }
  return {
    ...shared,
    targets: targets.map(({ limiter: _lanes, ...target }) => target),
    tenant: { id: tenant, budgets, quota },
  };
}

function storeStatus(engine: Engine): StoreStatus {
  const { kind, fleet } = engine.store;
  if (!fleet) return { kind };
  const outage = fleet.health.outage;
  const status: StoreStatus = {
    kind,
    state: outage ? 'degraded' : 'shared',
    fleetSize: fleet.fleetSize(),
    outages: fleet.health.outages,
  };
  if (outage) {
    status.degradedSince = new Date(outage.since).toISOString();
    status.reason = outage.reason;
  }
  return status;
}
