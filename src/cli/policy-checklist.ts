/**
 * The living checklist of a config: per route, everything that decides what happens to a call —
 * its tiers, attempts and backoff, timeouts, breaker thresholds, the rate limits of each target,
 * max_tokens, cache, static fallback and budget — with every default filled in, as data
 * (`policies --json`) and as text a person reads (`policies`). Read from the resolved config, so
 * it shows what the engine will do, not what the file happens to spell out.
 */
import type { BudgetLimit } from '../budget/budget-guard.ts';
import { DEFAULT_MAX_TOKENS, type MaxTokensPolicy } from '../budget/max-tokens-policy.ts';
import type { ResolvedConfig, ResolvedPolicy, ResolvedRoute } from '../config/config-types.ts';
import { maxTokensPolicyFor } from '../config/limits-config.ts';
import { LIMITER_DEFAULTS, type LimitRule } from '../limiter/limiter-options.ts';
import { matchRule } from '../limiter/rule-match.ts';

export interface TargetLimits {
  target: string;
  /** The `limits.targets` pattern that applies; `null`: none (learnt from the provider's headers). */
  pattern: string | null;
  rule: LimitRule | null;
}

export interface RouteChecklist {
  route: string;
  tiers: string[][];
  contextFallback: string | null;
  /** What a prompt too long for every tier gets. */
  onContextOverflow: ResolvedRoute['onContextOverflow'];
  onRefusal: ResolvedRoute['onRefusal'];
  policy: ResolvedPolicy;
  /** Each target's breaker: its provider's, never the route's. */
  breakers: { target: string; breaker: ResolvedPolicy['breaker'] }[];
  limits: TargetLimits[];
  maxTokens: Required<Pick<MaxTokensPolicy, 'overMaxTokens' | 'defaultMaxTokens'>> & {
    maxTokens: number | null;
  };
  staticMessage: string | null;
  /** The route's own budget, or the `*` one; `null`: none. */
  budget: BudgetLimit | null;
}

export interface Checklist {
  providers: {
    name: string;
    dialect: string;
    baseUrl: string;
    keys: number | 'function';
    /** The breaker of each of its targets (breaker settings belong to the target). */
    breaker: ResolvedPolicy['breaker'];
  }[];
  routes: RouteChecklist[];
  /** What a `provider/model` sent without a route gets: the global policy. */
  anyTarget: { policy: ResolvedPolicy };
  queue: { maxDepth: number; maxWaitMs: number; callHeadroomMs: number };
  budgets: { total: BudgetLimit | null; tenants: Record<string, BudgetLimit> };
  cacheMaxBytes: number;
}

function keyCount(apiKey: unknown): number | 'function' {
  if (apiKey === undefined) return 0;
  if (typeof apiKey === 'function') return 'function';
  return Array.isArray(apiKey) ? apiKey.length : 1;
}

function routeChecklist(config: ResolvedConfig, route: ResolvedRoute): RouteChecklist {
  const targets = route.tiers.flat();
  if (route.contextFallback) targets.push(route.contextFallback);
  const rules = config.limits.limiter.targets ?? {};
  const seen = new Set<string>();
  const limits: TargetLimits[] = [];
  const breakers: RouteChecklist['breakers'] = [];
  for (const target of targets) {
    if (seen.has(target.id)) continue;
    seen.add(target.id);
    breakers.push({ target: target.id, breaker: target.provider.breaker });
    const match = matchRule(rules, target.provider.name, target.model);
    limits.push({ target: target.id, pattern: match?.pattern ?? null, rule: match?.rule ?? null });
  }
  const mt = maxTokensPolicyFor(config.limits, route.name);
  const budgets = config.budgets?.routes;
  return {
    route: route.name,
    tiers: route.tiers.map((tier) => tier.map((t) => t.id)),
    contextFallback: route.contextFallback?.id ?? null,
    onContextOverflow: route.onContextOverflow,
    onRefusal: route.onRefusal,
    policy: route.policy,
    breakers,
    limits,
    maxTokens: {
      maxTokens: mt.maxTokens ?? null,
      overMaxTokens: mt.overMaxTokens ?? 'clamp',
      defaultMaxTokens: mt.defaultMaxTokens ?? DEFAULT_MAX_TOKENS,
    },
    staticMessage: route.staticMessage ?? null,
    budget: budgets?.[route.name] ?? budgets?.['*'] ?? null,
  };
}

export function policyChecklist(config: ResolvedConfig): Checklist {
  const queue = config.limits.limiter.queue ?? {};
  return {
    providers: [...config.providers.values()].map((p) => ({
      name: p.name,
      dialect: p.dialect,
      baseUrl: p.baseUrl,
      keys: keyCount(p.apiKey),
      breaker: p.breaker,
    })),
    routes: [...config.routes.values()].map((route) => routeChecklist(config, route)),
    anyTarget: { policy: config.policy },
    queue: {
      maxDepth: queue.maxDepth ?? LIMITER_DEFAULTS.maxDepth,
      maxWaitMs: queue.maxWaitMs ?? LIMITER_DEFAULTS.maxWaitMs,
      callHeadroomMs: queue.callHeadroomMs ?? LIMITER_DEFAULTS.callHeadroomMs,
    },
    budgets: {
      total: config.budgets?.total ?? null,
      tenants: { ...config.budgets?.tenants },
    },
    cacheMaxBytes: config.cacheMaxBytes,
  };
}
