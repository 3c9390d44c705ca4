/**
 * Turns a `BreakwaterConfig` into the `ResolvedConfig` the engine reads: environment
 * interpolation, then every option checked against the rules in config-defaults.ts, every
 * default filled once, every `provider/model` target checked against the providers, and each
 * route's policy merged over the global one (section by section, option by option).
 *
 * Checks are written by hand rather than with a schema library: the config is small, every
 * message must name the exact path and the fix (and never echo a key), unknown keys must be
 * caught at every level with a "did you mean", and a dependency would buy little. Problems are
 * collected, not thrown one at a time, so `breakwater check` lists them all at once.
 *
 * A target splits at its FIRST slash: `openrouter/meta-llama/llama-3.1-8b` is provider
 * `openrouter`, model `meta-llama/llama-3.1-8b`. Provider names therefore cannot hold a slash.
 */
import type { DialectName } from '../dialects/dialect-name.ts';
import {
  CACHE_MAX_BYTES_RULE,
  ConfigError,
  type ConfigIssue,
  type ConfigPath,
  DEFAULT_BASE_URLS,
  DEFAULT_CACHE_MAX_BYTES,
  DEFAULT_POLICY,
  type OptionRule,
  POLICY_RULES,
} from './config-defaults.ts';
import type {
  ApiKeySource,
  BreakwaterConfig,
  ResolvedConfig,
  ResolvedPolicy,
  ResolvedProvider,
  ResolvedRoute,
  ResolvedTarget,
} from './config-types.ts';
import { type Env, interpolateEnv, isPlainObject } from './env-interpolate.ts';

export interface ResolveOptions {
  /** Variables for `${NAME}` interpolation. @default process.env */
  env?: Env;
}

const TOP_KEYS = ['providers', 'routes', 'policy', 'cache'];
const PROVIDER_KEYS = ['dialect', 'baseUrl', 'apiKey', 'headers'];
const ROUTE_KEYS = ['tiers', 'contextFallback', 'staticMessage', 'onRefusal', 'policy'];
const CACHE_KEYS = ['maxBytes'];
const SECTIONS = Object.keys(POLICY_RULES) as (keyof ResolvedPolicy)[];
const DIALECTS: readonly DialectName[] = ['openai', 'anthropic'];
const PROVIDER_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const NUMERIC = /^[+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i;
const INSPECT = Symbol.for('nodejs.util.inspect.custom');
/** One-tier routes built for `provider/model` names clients send; bounded, names are untrusted. */
const MAX_CACHED_TARGET_ROUTES = 1024;

class Issues {
  readonly list: ConfigIssue[] = [];
  add(path: ConfigPath, message: string): undefined {
    this.list.push({ path: [...path], message });
    return undefined;
  }
}

/** Text for "got …"; strings are quoted and shortened. Never used on keys or header values. */
function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') {
    return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  }
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'function') return 'a function';
  return String(value);
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min((row[j - 1] ?? 0) + 1, (prev[j] ?? 0) + 1, (prev[j - 1] ?? 0) + cost);
    }
    prev = row;
  }
  return prev[b.length] ?? 0;
}

/** The allowed name closest to a typo, when it is close enough to be what was meant. */
function closest(word: string, allowed: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(word.length / 3)) + 1;
  for (const candidate of allowed) {
    const d = distance(word.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  return best;
}

/** ` — did you mean "x"?` or nothing. */
function closestHint(word: string, allowed: readonly string[]): string {
  const guess = closest(word, allowed);
  return guess ? ` — did you mean "${guess}"?` : '';
}

/** A mapping; with `allowed`, every other key (whose value is not `undefined`) is reported. */
function objectAt(
  issues: Issues,
  value: unknown,
  path: ConfigPath,
  allowed: readonly string[] | undefined,
): Record<string, unknown> | undefined {
  if (!isPlainObject(value)) return issues.add(path, `expected a mapping, got ${describe(value)}`);
  if (allowed) {
    for (const [key, item] of Object.entries(value)) {
      if (allowed.includes(key) || item === undefined) continue;
      issues.add(
        [...path, key],
        `unknown option "${key}"${closestHint(key, allowed)} (allowed here: ${allowed.join(', ')})`,
      );
    }
  }
  return value;
}

function ruleValue(
  issues: Issues,
  value: unknown,
  path: ConfigPath,
  rule: OptionRule,
): number | boolean | string | undefined {
  if (rule.type === 'boolean') {
    // Strings come from `${VAR}` interpolation.
    if (typeof value === 'boolean') return value;
    if (value === 'true' || value === 'false') return value === 'true';
    return issues.add(path, `expected true or false, got ${describe(value)}`);
  }
  if (rule.type === 'enum') {
    if (typeof value === 'string' && rule.values.includes(value)) return value;
    return issues.add(path, `expected one of ${rule.values.join(', ')}, got ${describe(value)}`);
  }
  const n = typeof value === 'string' && NUMERIC.test(value.trim()) ? Number(value) : value;
  const ok =
    typeof n === 'number' &&
    Number.isFinite(n) &&
    (rule.type === 'number' || Number.isInteger(n)) &&
    n >= rule.min &&
    n <= rule.max;
  if (ok) return n;
  const kind = rule.type === 'integer' ? 'an integer' : 'a number';
  const unit = rule.unit === 'ms' ? ' (milliseconds)' : rule.unit === 'bytes' ? ' (bytes)' : '';
  const fix =
    typeof value === 'string' && rule.unit === 'ms'
      ? ' — durations are plain numbers of milliseconds: 5 s is 5000'
      : '';
  return issues.add(
    path,
    `expected ${kind} from ${rule.min} to ${rule.max}${unit}, got ${describe(value)}${fix}`,
  );
}

/** `base` with the overrides in `raw` applied, checked option by option. */
function policyAt(
  issues: Issues,
  raw: unknown,
  path: ConfigPath,
  base: ResolvedPolicy,
): ResolvedPolicy {
  if (raw === undefined || raw === null) return base;
  const given = objectAt(issues, raw, path, SECTIONS);
  if (!given) return base;
  const out: Record<string, unknown> = {};
  for (const section of SECTIONS) {
    const rules: Record<string, OptionRule> = POLICY_RULES[section];
    const rawSection = given[section];
    if (rawSection === undefined || rawSection === null) {
      out[section] = base[section];
      continue;
    }
    const merged: Record<string, unknown> = { ...base[section] };
    const overrides = objectAt(issues, rawSection, [...path, section], Object.keys(rules));
    for (const [key, rule] of Object.entries(rules)) {
      if (overrides?.[key] === undefined) continue;
      const value = ruleValue(issues, overrides[key], [...path, section, key], rule);
      if (value !== undefined) merged[key] = value;
    }
    out[section] = Object.freeze(merged);
  }
  const policy = Object.freeze(out) as unknown as ResolvedPolicy;
  const { retry, breaker } = policy;
  if (retry !== base.retry && retry.capMs < retry.baseMs) {
    issues.add(
      [...path, 'retry', 'capMs'],
      `must be at least retry.baseMs (${retry.baseMs}), got ${retry.capMs}`,
    );
  }
  if (breaker !== base.breaker && breaker.maxOpenMs < breaker.openMs) {
    issues.add(
      [...path, 'breaker', 'maxOpenMs'],
      `must be at least breaker.openMs (${breaker.openMs}), got ${breaker.maxOpenMs}`,
    );
  }
  return policy;
}

/** An http(s) URL without credentials, query or fragment; trailing `/` and `/v1` removed. */
function baseUrlAt(issues: Issues, value: unknown, path: ConfigPath): string | undefined {
  const example = 'e.g. "https://api.groq.com/openai"';
  if (typeof value !== 'string' || value.trim() === '') {
    return issues.add(path, `expected an http(s) URL, ${example}, got ${describe(value)}`);
  }
  // Text that may hold a secret (user:password@, ?key=) is never echoed.
  const shown = /[@?#]/.test(value) ? 'the value' : JSON.stringify(value);
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    return issues.add(path, `${shown} is not a URL — write it in full, ${example}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return issues.add(path, `expected an http or https URL, got the ${url.protocol} scheme`);
  }
  if (url.username || url.password) {
    return issues.add(
      path,
      'must not contain credentials (user:password@) — put the key in apiKey',
    );
  }
  if (url.search || url.hash) {
    return issues.add(path, 'must not have a query or fragment — use headers for extra parameters');
  }
  let pathname = url.pathname.replace(/\/+$/, '');
  if (pathname.endsWith('/v1')) pathname = pathname.slice(0, -3);
  return `${url.origin}${pathname}`;
}

/** An empty key, or a list with no non-empty key, means "no key configured". */
function apiKeyAt(issues: Issues, value: unknown, path: ConfigPath): ApiKeySource | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'function') return value as () => string | Promise<string>;
  if (typeof value === 'string') return value.trim() || undefined;
  if (!Array.isArray(value)) {
    return issues.add(path, `expected a key, a list of keys or a function, got ${typeName(value)}`);
  }
  const keys: string[] = [];
  value.forEach((key, index) => {
    if (typeof key !== 'string')
      issues.add([...path, index], `expected a string, got ${typeName(key)}`);
    else if (key.trim()) keys.push(key.trim());
  });
  return keys.length > 0 ? Object.freeze(keys) : undefined;
}

function headersAt(issues: Issues, value: unknown, path: ConfigPath): Record<string, string> {
  const out: Record<string, string> = {};
  if (value === undefined || value === null) return Object.freeze(out);
  const given = objectAt(issues, value, path, undefined) ?? {};
  for (const [name, item] of Object.entries(given)) {
    if (!HEADER_NAME.test(name)) issues.add([...path, name], 'is not a valid HTTP header name');
    // Header values may be secrets: the message names the type only.
    else if (typeof item === 'string') out[name] = item;
    else issues.add([...path, name], `expected a string, got ${typeName(item)}`);
  }
  return Object.freeze(out);
}

function describeKey(key: ApiKeySource | undefined): string {
  if (key === undefined) return 'none';
  if (typeof key === 'string') return '[redacted]';
  if (typeof key === 'function') return '[function]';
  return `[${key.length} redacted]`;
}

/** Keys never show in `JSON.stringify` or `util.inspect` of a resolved provider. */
function sealProvider(provider: ResolvedProvider): ResolvedProvider {
  const view = () => ({ ...provider, apiKey: describeKey(provider.apiKey) });
  Object.defineProperty(provider, 'toJSON', { value: view });
  Object.defineProperty(provider, INSPECT, {
    value: (_depth: number, options: object, inspect: (v: unknown, o: object) => string) =>
      `ResolvedProvider ${inspect(view(), options)}`,
  });
  return Object.freeze(provider);
}

function providerAt(issues: Issues, name: string, value: unknown): ResolvedProvider | undefined {
  const path = ['providers', name];
  if (!PROVIDER_NAME.test(name)) {
    issues.add(
      path,
      'a provider name is letters, digits, ".", "_" and "-", with no "/" (a target is provider/model)',
    );
  }
  const given = objectAt(issues, value ?? {}, path, PROVIDER_KEYS);
  if (!given) return undefined;
  let dialect: DialectName | undefined;
  if (given.dialect === undefined) {
    if (DIALECTS.includes(name as DialectName)) dialect = name as DialectName;
    else
      issues.add(
        [...path, 'dialect'],
        `required for a provider not named openai or anthropic — write dialect: openai (Chat Completions) or dialect: anthropic (Messages)`,
      );
  } else if (DIALECTS.includes(given.dialect as DialectName)) {
    dialect = given.dialect as DialectName;
  } else {
    issues.add(
      [...path, 'dialect'],
      `expected openai or anthropic, got ${describe(given.dialect)}`,
    );
  }
  const baseUrl =
    given.baseUrl === undefined
      ? dialect && DEFAULT_BASE_URLS[dialect]
      : baseUrlAt(issues, given.baseUrl, [...path, 'baseUrl']);
  const apiKey = apiKeyAt(issues, given.apiKey, [...path, 'apiKey']);
  const headers = headersAt(issues, given.headers, [...path, 'headers']);
  if (!dialect || !baseUrl) return undefined;
  return sealProvider({ name, dialect, baseUrl, apiKey, headers });
}

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
  const policy = policyAt(issues, given.policy, [...path, 'policy'], global);
  return Object.freeze({
    name,
    tiers: Object.freeze(tiers.map((tier) => Object.freeze(tier))),
    contextFallback,
    staticMessage,
    onRefusal,
    policy,
  });
}

/**
 * Checks `config`, fills every default and returns what the engine reads. Throws a `ConfigError`
 * listing every problem, each with its path.
 */
export function resolveConfig(
  config: BreakwaterConfig,
  options: ResolveOptions = {},
): ResolvedConfig {
  const tree: unknown = interpolateEnv<unknown>(config, { env: options.env });
  if (tree === undefined || tree === null) {
    throw new ConfigError({
      path: [],
      message:
        'the config is empty — it needs at least a providers section (see config/default.yaml)',
    });
  }
  const issues = new Issues();
  const root = objectAt(issues, tree, [], TOP_KEYS);
  if (!root) throw new ConfigError(issues.list);

  const providers = new Map<string, ResolvedProvider>();
  const given =
    root.providers === undefined
      ? undefined
      : objectAt(issues, root.providers, ['providers'], undefined);
  if (root.providers === undefined || (given && Object.keys(given).length === 0)) {
    issues.add(
      ['providers'],
      `required: at least one provider, e.g. providers: { openai: { apiKey: "\${OPENAI_API_KEY}" } }`,
    );
  }
  for (const [name, value] of Object.entries(given ?? {})) {
    const provider = providerAt(issues, name, value);
    if (provider) providers.set(name, provider);
  }

  const policy = policyAt(issues, root.policy, ['policy'], DEFAULT_POLICY);
  let cacheMaxBytes = DEFAULT_CACHE_MAX_BYTES;
  if (root.cache !== undefined && root.cache !== null) {
    const cache = objectAt(issues, root.cache, ['cache'], CACHE_KEYS);
    if (cache?.maxBytes !== undefined) {
      const value = ruleValue(issues, cache.maxBytes, ['cache', 'maxBytes'], CACHE_MAX_BYTES_RULE);
      if (typeof value === 'number') cacheMaxBytes = value;
    }
  }

  const routes = new Map<string, ResolvedRoute>();
  const givenRoutes =
    root.routes === undefined || root.routes === null
      ? {}
      : (objectAt(issues, root.routes, ['routes'], undefined) ?? {});
  const ctx: RouteContext = {
    issues,
    names: Object.keys(given ?? {}),
    routeNames: Object.keys(givenRoutes),
    providers,
    targets: new Map(),
  };
  for (const [name, value] of Object.entries(givenRoutes)) {
    const route = routeAt(ctx, name, value, policy);
    if (route) routes.set(name, route);
  }

  if (issues.list.length > 0) throw new ConfigError(issues.list);
  const resolved: ResolvedConfig = Object.freeze({ providers, routes, policy, cacheMaxBytes });
  interned.set(resolved, { targets: ctx.targets, targetRoutes: new Map() });
  return resolved;
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
    policy: config.policy,
  });
  if (entry.targetRoutes.size < MAX_CACHED_TARGET_ROUTES) entry.targetRoutes.set(name, route);
  return route;
}
