/**
 * Provider resolution: the `providers` section checked entry by entry (name, dialect, base URL,
 * API keys, headers, the breaker of its targets) into sealed `ResolvedProvider`s whose keys never show when printed.
 *
 * A provider name cannot hold a slash: a target splits at its first one (see config-routes.ts).
 */
import type { DialectName } from '../dialects/dialect-name.ts';
import { addSecretValue } from '../errors/secret-values.ts';
import { describe, type Issues, objectAt, typeName } from './config-check.ts';
import { DEFAULT_BASE_URLS } from './config-defaults.ts';
import type { ConfigPath } from './config-error.ts';
import { breakerAt } from './config-policy.ts';
import type { ApiKeySource, ResolvedPolicy, ResolvedProvider } from './config-types.ts';

const PROVIDER_KEYS = ['dialect', 'baseUrl', 'apiKey', 'headers', 'breaker'];
const DIALECTS: readonly DialectName[] = ['openai', 'anthropic'];
const PROVIDER_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const INSPECT = Symbol.for('nodejs.util.inspect.custom');
const SECRET_HEADER = /authorization|key|token|secret|password|cookie/i;

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

/**
 * An empty key, or a list with no non-empty key, means "no key configured". Every key is added to
 * the values scrubbed from errors and logs (errors/secret-values.ts) as soon as it is read.
 */
function apiKeyAt(issues: Issues, value: unknown, path: ConfigPath): ApiKeySource | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'function') return value as () => string | Promise<string>;
  if (typeof value === 'string') {
    addSecretValue(value);
    return value.trim() || undefined;
  }
  if (!Array.isArray(value)) {
    return issues.add(path, `expected a key, a list of keys or a function, got ${typeName(value)}`);
  }
  const keys: string[] = [];
  value.forEach((key, index) => {
    if (typeof key !== 'string')
      issues.add([...path, index], `expected a string, got ${typeName(key)}`);
    else if (key.trim()) {
      addSecretValue(key);
      keys.push(key.trim());
    }
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
    else if (typeof item === 'string') {
      // A header that carries credentials (Azure's `api-key`, a proxy's token) is a key too.
      if (SECRET_HEADER.test(name)) addSecretValue(item);
      out[name] = item;
    } else issues.add([...path, name], `expected a string, got ${typeName(item)}`);
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

function providerAt(
  issues: Issues,
  name: string,
  value: unknown,
  policy: ResolvedPolicy,
): ResolvedProvider | undefined {
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
  const breaker = breakerAt(issues, given.breaker, [...path, 'breaker'], policy);
  if (!dialect || !baseUrl) return undefined;
  return sealProvider({ name, dialect, baseUrl, apiKey, headers, breaker });
}

/**
 * The `providers` section: the providers that passed their checks, and the names of all given
 * (so a target naming one that failed is not reported a second time as unknown).
 */
export function providersAt(
  issues: Issues,
  raw: unknown,
  policy: ResolvedPolicy,
): { providers: Map<string, ResolvedProvider>; names: readonly string[] } {
  const providers = new Map<string, ResolvedProvider>();
  const given = raw === undefined ? undefined : objectAt(issues, raw, ['providers'], undefined);
  if (raw === undefined || (given && Object.keys(given).length === 0)) {
    issues.add(
      ['providers'],
      `required: at least one provider, e.g. providers: { openai: { apiKey: "\${OPENAI_API_KEY}" } }`,
    );
  }
  for (const [name, value] of Object.entries(given ?? {})) {
    const provider = providerAt(issues, name, value, policy);
    if (provider) providers.set(name, provider);
  }
  return { providers, names: Object.keys(given ?? {}) };
}
