/**
 * Targets, tiers and routes: the checked `routes` section built into `ResolvedRoute`s whose tiers
 * hold interned `ResolvedTarget`s (with the checks the schema cannot make: each target naming a
 * known provider), and `resolveTarget` / `resolveRoute`, which the engine calls per request, with
 * their per-config caches (interned targets, one-tier routes built on demand).
 *
 * A target splits at its FIRST slash: `openrouter/meta-llama/llama-3.1-8b` is provider
 * `openrouter`, model `meta-llama/llama-3.1-8b`. Provider names therefore cannot hold a slash.
 */
import { closest } from '../core/closest.ts';
import type { ConfigIssue, ConfigPath } from './config-error.ts';
import { describe } from './config-fields.ts';
import { mergePolicy, type PolicyOverrides } from './config-policy.ts';
import type {
  ResolvedConfig,
  ResolvedPolicy,
  ResolvedProvider,
  ResolvedRoute,
  ResolvedTarget,
} from './config-types.ts';

/** One-tier routes built for `provider/model` names clients send; bounded, names are untrusted. */
const MAX_CACHED_TARGET_ROUTES = 1024;

/** `provider/model`, split at the first slash; `undefined` when either part is missing. */
export function parseTarget(text: string): { provider: string; model: string } | undefined {
  const slash = text.indexOf('/');
  if (slash <= 0 || slash === text.length - 1 || /\s/.test(text)) return undefined;
  return { provider: text.slice(0, slash), model: text.slice(slash + 1) };
}

/** Per resolved config: interned targets (one object per id) and one-tier routes built on demand. */
interface Interned {
  targets: Map<string, ResolvedTarget>;
  targetRoutes: Map<string, ResolvedRoute>;
}
const interned = new WeakMap<ResolvedConfig, Interned>();

function makeTarget(
  targets: Map<string, ResolvedTarget>,
  provider: ResolvedProvider,
  model: string,
): ResolvedTarget {
  const id = `${provider.name}/${model}`;
  let target = targets.get(id);
  if (!target) {
    target = Object.freeze({ id, provider, model });
    if (targets.size < MAX_CACHED_TARGET_ROUTES) targets.set(id, target);
  }
  return target;
}

/** The names a target check compares against. */
export interface TargetNames {
  /** Every provider given, whether or not it passed its own checks. */
  providers: readonly string[];
  routes: readonly string[];
}

/** What is wrong with a target written at some path, or `undefined`. */
export function targetProblem(value: unknown, names: TargetNames): string | undefined {
  if (typeof value !== 'string') return `expected a provider/model target, got ${describe(value)}`;
  const parsed = parseTarget(value);
  if (!parsed) {
    const hint = names.routes.includes(value)
      ? ' (a tier names targets, not other routes)'
      : !value.includes('/') && names.providers[0]
        ? `, e.g. "${names.providers[0]}/${value}"`
        : '';
    return `${describe(value)} is not a target — write provider/model${hint}`;
  }
  if (names.providers.includes(parsed.provider)) return undefined;
  const guess = closest(parsed.provider, names.providers);
  return `unknown provider "${parsed.provider}" in "${value}" — providers are: ${names.providers.join(', ')}${guess ? ` (did you mean "${guess}"?)` : ''}`;
}

/** The checks of the `routes` section the schema cannot make: targets naming known providers. */
export function routeProblems(raw: unknown, providers: readonly string[]): ConfigIssue[] {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return [];
  const names: TargetNames = { providers, routes: Object.keys(raw) };
  const issues: ConfigIssue[] = [];
  const check = (value: unknown, path: ConfigPath) => {
    // A value of the wrong type already has the schema's message.
    if (typeof value !== 'string') return;
    const problem = targetProblem(value, names);
    if (problem) issues.push({ path, message: problem });
  };
  for (const [name, route] of Object.entries(raw as Record<string, unknown>)) {
    const path = ['routes', name];
    if (name.trim() === '') issues.push({ path, message: 'a route needs a name' });
    if (typeof route !== 'object' || route === null) continue;
    const given = route as Record<string, unknown>;
    if (Array.isArray(given.tiers)) {
      given.tiers.forEach((tier: unknown, i) => {
        if (!Array.isArray(tier)) check(tier, [...path, 'tiers', i]);
        else for (let j = 0; j < tier.length; j++) check(tier[j], [...path, 'tiers', i, j]);
      });
    }
    check(given.contextFallback, [...path, 'contextFallback']);
    const summary = given.summaryRoute;
    if (typeof summary === 'string' && !names.routes.includes(summary))
      check(summary, [...path, 'summaryRoute']);
    const policy = given.policy as Record<string, unknown> | undefined;
    if (typeof policy === 'object' && policy !== null && policy.breaker != null) {
      issues.push({
        path: [...path, 'policy', 'breaker'],
        message:
          'breaker settings belong to the target, shared by every route that reaches it — set them under providers.<provider>.breaker (or the global policy.breaker), not in a route',
      });
    }
  }
  return issues;
}

/** A route as the schema checked it. */
export interface CheckedRoute {
  tiers: (string | string[])[];
  contextFallback?: string;
  onContextOverflow?: ResolvedRoute['onContextOverflow'];
  summaryRoute?: string;
  staticMessage?: string;
  onRefusal?: 'answer' | 'fallback';
  coalesce?: boolean;
  policy?: PolicyOverrides;
}

/**
 * The routes, each route's policy merged over `global`. `targets` holds the targets the routes
 * use, for `internTargets` once the config is built.
 */
export function buildRoutes(
  given: Record<string, CheckedRoute>,
  providers: ReadonlyMap<string, ResolvedProvider>,
  global: ResolvedPolicy,
): { routes: Map<string, ResolvedRoute>; targets: Map<string, ResolvedTarget> } {
  const targets = new Map<string, ResolvedTarget>();
  const target = (text: string): ResolvedTarget => {
    const parsed = parseTarget(text)!;
    return makeTarget(targets, providers.get(parsed.provider)!, parsed.model);
  };
  const routes = new Map<string, ResolvedRoute>();
  for (const [name, route] of Object.entries(given)) {
    const tiers = route.tiers.map((tier) =>
      Object.freeze((Array.isArray(tier) ? tier : [tier]).map(target)),
    );
    const contextFallback = route.contextFallback ? target(route.contextFallback) : undefined;
    routes.set(
      name,
      Object.freeze({
        name,
        tiers: Object.freeze(tiers),
        contextFallback,
        onContextOverflow: route.onContextOverflow ?? (contextFallback ? 'fallback' : 'reject'),
        summaryRoute: route.summaryRoute ?? name,
        staticMessage: route.staticMessage,
        onRefusal: route.onRefusal ?? 'answer',
        coalesce: route.coalesce ?? false,
        policy: mergePolicy(global, route.policy),
      }),
    );
  }
  return { routes, targets };
}

/** Starts `config`'s caches with the targets its routes already use (one object per id). */
export function internTargets(config: ResolvedConfig, targets: Map<string, ResolvedTarget>): void {
  interned.set(config, { targets, targetRoutes: new Map() });
}

function internedFor(config: ResolvedConfig): Interned {
  let entry = interned.get(config);
  if (!entry) {
    entry = { targets: new Map(), targetRoutes: new Map() };
    interned.set(config, entry);
  }
  return entry;
}

/** The target a `provider/model` string names, or `undefined` when its provider is unknown. */
export function resolveTarget(config: ResolvedConfig, target: string): ResolvedTarget | undefined {
  const parsed = parseTarget(target);
  const provider = parsed && config.providers.get(parsed.provider);
  if (!parsed || !provider) return undefined;
  return makeTarget(internedFor(config).targets, provider, parsed.model);
}

/**
 * What a client's `model` resolves to: the named route, else a one-tier route for a
 * `provider/model` whose provider is known (with the global policy), else `undefined`.
 */
export function resolveRoute(config: ResolvedConfig, name: string): ResolvedRoute | undefined {
  const named = config.routes.get(name);
  if (named) return named;
  const entry = internedFor(config);
  const cached = entry.targetRoutes.get(name);
  if (cached) return cached;
  const target = resolveTarget(config, name);
  if (!target) return undefined;
  const route: ResolvedRoute = Object.freeze({
    name: target.id,
    tiers: Object.freeze([Object.freeze([target])]),
    contextFallback: undefined,
    onContextOverflow: 'reject',
    summaryRoute: target.id,
    staticMessage: undefined,
    onRefusal: 'answer',
    coalesce: false,
    policy: config.policy,
  });
  if (entry.targetRoutes.size < MAX_CACHED_TARGET_ROUTES) entry.targetRoutes.set(name, route);
  return route;
}
