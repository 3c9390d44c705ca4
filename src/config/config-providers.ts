/**
 * Providers, built from the checked `providers` section (config-schema.ts): dialect and base URL
 * defaulted, the base URL normalised (a trailing `/` and `/v1` removed), keys trimmed and
 * registered for scrubbing, the breaker merged over the global one, and the whole sealed so its
 * keys never show when printed. `providerProblems` holds the checks the schema cannot make: the
 * name itself, and a dialect the name does not give.
 *
 * A provider name cannot hold a slash: a target splits at its first one (see config-routes.ts).
 */
import type { DialectName } from '../dialects/dialect-name.ts';
import { addSecretValue } from '../errors/secret-values.ts';
import { DEFAULT_BASE_URLS } from './config-defaults.ts';
import type { ConfigIssue } from './config-error.ts';
import type { ApiKeySource, ResolvedPolicy, ResolvedProvider } from './config-types.ts';

const DIALECTS: readonly string[] = ['openai', 'anthropic'];
const PROVIDER_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const INSPECT = Symbol.for('nodejs.util.inspect.custom');
const SECRET_HEADER = /authorization|key|token|secret|password|cookie/i;

/** A provider as the schema checked it. */
export interface CheckedProvider {
  dialect?: DialectName;
  baseUrl?: string;
  apiKey?: ApiKeySource | null;
  headers?: Record<string, string> | null;
  breaker?: Partial<ResolvedPolicy['breaker']>;
}

/** What the schema cannot check about the `providers` section. */
export function providerProblems(raw: unknown): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const given = typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? raw : undefined;
  if (raw === undefined || raw === null || (given && Object.keys(given).length === 0)) {
    issues.push({
      path: ['providers'],
      message: `required: at least one provider, e.g. providers: { openai: { apiKey: "\${OPENAI_API_KEY}" } }`,
    });
  }
  for (const [name, value] of Object.entries(given ?? {})) {
    if (!PROVIDER_NAME.test(name)) {
      issues.push({
        path: ['providers', name],
        message:
          'a provider name is letters, digits, ".", "_" and "-", with no "/" (a target is provider/model)',
      });
    }
    const dialect = (value as { dialect?: unknown } | null)?.dialect;
    if (dialect === undefined && !DIALECTS.includes(name)) {
      issues.push({
        path: ['providers', name, 'dialect'],
        message:
          'required for a provider not named openai or anthropic — write dialect: openai (Chat Completions) or dialect: anthropic (Messages)',
      });
    }
  }
  return issues;
}

/** Without a trailing `/` or `/v1`: the engine appends `/v1/chat/completions` or `/v1/messages`. */
function normalUrl(value: string): string {
  const url = new URL(value.trim());
  let pathname = url.pathname.replace(/\/+$/, '');
  if (pathname.endsWith('/v1')) pathname = pathname.slice(0, -3);
  return `${url.origin}${pathname}`;
}

/** An empty key, or a list with no non-empty key, means "no key configured". */
function apiKeyOf(value: ApiKeySource | null | undefined): ApiKeySource | undefined {
  if (value === undefined || value === null || typeof value === 'function')
    return value ?? undefined;
  if (typeof value === 'string') {
    addSecretValue(value);
    return value.trim() || undefined;
  }
  const keys: string[] = [];
  for (const key of value) {
    if (!key.trim()) continue;
    addSecretValue(key);
    keys.push(key.trim());
  }
  return keys.length > 0 ? Object.freeze(keys) : undefined;
}

function headersOf(value: Record<string, string> | null | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, item] of Object.entries(value ?? {})) {
    // A header that carries credentials (Azure's `api-key`, a proxy's token) is a key too.
    if (SECRET_HEADER.test(name)) addSecretValue(item);
    out[name] = item;
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

/** The provider `name` from its checked entry (which `providerProblems` found no fault with). */
export function buildProvider(
  name: string,
  given: CheckedProvider | null | undefined,
  policy: ResolvedPolicy,
): ResolvedProvider {
  const dialect = (given?.dialect ?? name) as DialectName;
  return sealProvider({
    name,
    dialect,
    baseUrl: given?.baseUrl === undefined ? DEFAULT_BASE_URLS[dialect] : normalUrl(given.baseUrl),
    apiKey: apiKeyOf(given?.apiKey),
    headers: headersOf(given?.headers),
    breaker: given?.breaker
      ? Object.freeze({ ...policy.breaker, ...given.breaker })
      : policy.breaker,
  });
}
