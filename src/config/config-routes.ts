/**
 * Targets, tiers and routes: the `routes` section checked into `ResolvedRoute`s whose tiers hold
 * interned `ResolvedTarget`s, and `resolveTarget` / `resolveRoute`, which the engine calls per
 * request, with their per-config caches (interned targets, one-tier routes built on demand).
 *
 * A target splits at its FIRST slash: `openrouter/meta-llama/llama-3.1-8b` is provider
 * `openrouter`, model `meta-llama/llama-3.1-8b`. Provider names therefore cannot hold a slash.
 */
import { closest, describe, type Issues, objectAt, ruleValue } from './config-check.ts';
import { COALESCE_RULE } from './config-defaults.ts';
import type { ConfigPath } from './config-error.ts';
import { policyAt } from './config-policy.ts';
import type {
  ResolvedConfig,
  ResolvedPolicy,
  ResolvedProvider,
  ResolvedRoute,
  ResolvedTarget,
} from './config-types.ts';

const ROUTE_KEYS = ['tiers', 'contextFallback', 'staticMessage', 'onRefusal', 'coalesce', 'policy'];
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

interface RouteContext {
  issues: Issues;
  names: readonly string[];
  routeNames: readonly string[];
  providers: ReadonlyMap<string, ResolvedProvider>;
  targets: Map<string, ResolvedTarget>;
}

function targetAt(ctx: RouteContext, value: unknown, path: ConfigPath): ResolvedTarget | undefined {
  const { issues, names } = ctx;
  if (typeof value !== 'string') {
    return issues.add(path, `expected a provider/model target, got ${describe(value)}`);
  }
  const parsed = parseTarget(value);
  if (!parsed) {
    const hint = ctx.routeNames.includes(value)
      ? ' (a tier names targets, not other routes)'
      : !value.includes('/') && names[0]
        ? `, e.g. "${names[0]}/${value}"`
        : '';
    return issues.add(path, `${describe(value)} is not a target — write provider/model${hint}`);
  }
  const provider = ctx.providers.get(parsed.provider);
  if (provider) return makeTarget(ctx.targets, provider, parsed.model);
  // A provider that failed its own checks is known: it already has its own message.
  if (names.includes(parsed.provider)) return undefined;
  const guess = closest(parsed.provider, names);
  return issues.add(
    path,
    `unknown provider "${parsed.provider}" in "${value}" — providers are: ${names.join(', ')}${guess ? ` (did you mean "${guess}"?)` : ''}`,
  );
}

function tiersAt(ctx: RouteContext, value: unknown, path: ConfigPath): ResolvedTarget[][] {
  const example = 'e.g. tiers: [openai/gpt-4o-mini, anthropic/claude-haiku-4-5]';
  if (value === undefined) {
    ctx.issues.add(path, `required: the targets to try in order, ${example}`);
    return [];
  }
  if (!Array.isArray(value) || value.length === 0) {
    ctx.issues.add(
      path,
      `expected a non-empty list of targets, ${example}; got ${describe(value)}`,
    );
    return [];
  }
  return value.map((tier: unknown, i) => {
    if (!Array.isArray(tier)) {
      const target = targetAt(ctx, tier, [...path, i]);
      return target ? [target] : [];
    }
    if (tier.length === 0) ctx.issues.add([...path, i], 'a tier needs at least one target');
    return tier.flatMap((t: unknown, j) => targetAt(ctx, t, [...path, i, j]) ?? []);
  });
}

function routeAt(
  ctx: RouteContext,
  name: string,
  value: unknown,
  global: ResolvedPolicy,
): ResolvedRoute | undefined {
  const path = ['routes', name];
  const { issues } = ctx;
  if (name.trim() === '') issues.add(path, 'a route needs a name');
  const given = objectAt(issues, value, path, ROUTE_KEYS);
  if (!given) return undefined;
  const tiers = tiersAt(ctx, given.tiers, [...path, 'tiers']);
  const contextFallback =
    given.contextFallback === undefined
      ? undefined
      : targetAt(ctx, given.contextFallback, [...path, 'contextFallback']);
  let staticMessage: string | undefined;
  if (typeof given.staticMessage === 'string' && given.staticMessage.trim() !== '') {
    staticMessage = given.staticMessage;
  } else if (given.staticMessage !== undefined) {
    issues.add(
      [...path, 'staticMessage'],
      `expected a non-empty string, got ${describe(given.staticMessage)}`,
    );
  }
  let onRefusal: 'answer' | 'fallback' = 'answer';
  if (given.onRefusal === 'answer' || given.onRefusal === 'fallback') {
    onRefusal = given.onRefusal;
  } else if (given.onRefusal !== undefined) {
    issues.add(
      [...path, 'onRefusal'],
      `expected "answer" (return the refusal as is) or "fallback" (try the next tier), got ${describe(given.onRefusal)}`,
    );
  }
  const coalesce =
    given.coalesce === undefined
      ? false
      : ruleValue(issues, given.coalesce, [...path, 'coalesce'], COALESCE_RULE) === true;
  const policy = policyAt(issues, given.policy, [...path, 'policy'], global, { route: true });
  return Object.freeze({
    name,
    tiers: Object.freeze(tiers.map((tier) => Object.freeze(tier))),
    contextFallback,
    staticMessage,
    onRefusal,
    coalesce,
    policy,
  });
}

/**
 * The `routes` section, each route's policy merged over `global`; `names` are all the providers
 * given, `providers` those that passed their checks. `targets` holds the targets the routes use,
 * for `internTargets` once the config is built.
 */
export function routesAt(
  issues: Issues,
  raw: unknown,
  names: readonly string[],
  providers: ReadonlyMap<string, ResolvedProvider>,
  global: ResolvedPolicy,
): { routes: Map<string, ResolvedRoute>; targets: Map<string, ResolvedTarget> } {
  const routes = new Map<string, ResolvedRoute>();
  const givenRoutes =
    raw === undefined || raw === null ? {} : (objectAt(issues, raw, ['routes'], undefined) ?? {});
  const ctx: RouteContext = {
    issues,
    names,
    routeNames: Object.keys(givenRoutes),
    providers,
    targets: new Map(),
  };
  for (const [name, value] of Object.entries(givenRoutes)) {
    const route = routeAt(ctx, name, value, global);
    if (route) routes.set(name, route);
  }
  return { routes, targets: ctx.targets };
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
    staticMessage: undefined,
    onRefusal: 'answer',
    coalesce: false,
    policy: config.policy,
  });
  if (entry.targetRoutes.size < MAX_CACHED_TARGET_ROUTES) entry.targetRoutes.set(name, route);
  return route;
}
