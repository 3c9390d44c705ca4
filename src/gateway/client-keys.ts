/**
 * The gateway's own client keys: who may call it, and which routes each caller may use.
 *
 * Keys are kept only as SHA-256 digests: a plain key given in the options is hashed at once and
 * dropped, and a key file may hold digests only (`keyHash`), so no plain key need ever be written
 * down on the gateway's side. A presented key is hashed and compared with every stored digest by
 * `timingSafeEqual`, without stopping at the first match, so the time taken says nothing about
 * which key (or how much of one) matched.
 *
 * A key may carry its own rate limits (`limits`, enforced by tenant-quota.ts) and its own spend
 * budget (`budget`, which becomes the tenant's entry in the config's `budgets.tenants`, see
 * `mergeClientKeyBudgets`). Both are checked here with the config's own field checks, so a bad
 * value is refused at start with the entry and the field named — never the key.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { BudgetLimit, BudgetOptions } from '../budget/budget-guard.ts';
import { ConfigError, formatPath } from '../client/config-error.ts';
import { defined, FieldIssues, mappingAt, numberAt } from '../client/limits-fields.ts';

export interface ClientKeyInput {
  /** A name for logs, limits and budgets (the request's tenant). Never the key itself. */
  id: string;
  /** The key, in plain text; hashed on load. Give this or `keyHash`. */
  key?: string;
  /** The key's SHA-256, as 64 hex digits (optionally prefixed `sha256:`). */
  keyHash?: string;
  /** Routes (or `provider/model` targets) this key may use. @default every route */
  routes?: readonly string[];
  /** The key's own rate limits at the gateway (tenant-quota.ts). @default none */
  limits?: ClientKeyLimits;
  /** The key's own spend budget: its tenant's entry in `budgets.tenants`. @default none */
  budget?: BudgetLimit;
}

/** A client key's own rate limits; each per minute, refilled evenly (a token bucket). */
export interface ClientKeyLimits {
  /** Requests per minute. @default unlimited */
  rpm?: number;
  /** Tokens per minute: prompt estimate plus output, corrected by the usage reported. @default unlimited */
  tpm?: number;
}

/** Who a request comes from, once its key matched. */
export interface ClientIdentity {
  readonly id: string;
  /** `undefined`: every route. */
  readonly routes: ReadonlySet<string> | undefined;
  /** `undefined`: no rate limits of its own (and no per-request cost for them). */
  readonly limits: Readonly<ClientKeyLimits> | undefined;
  /** `undefined`: the config's `budgets.tenants` decide. */
  readonly budget: Readonly<BudgetLimit> | undefined;
}

interface StoredKey {
  readonly digest: Buffer;
  readonly identity: ClientIdentity;
}

/** Shorter keys are refused: a gateway key must not be guessable. */
export const MIN_CLIENT_KEY_LENGTH = 16;

const HASH = /^(?:sha256:)?([0-9a-fA-F]{64})$/;
const ID = /^[A-Za-z0-9][A-Za-z0-9._:@-]{0,63}$/;
const FIELDS = ['id', 'key', 'keyHash', 'routes', 'limits', 'budget'];
const PER_MINUTE = { min: 0, max: 1e12, exclusiveMin: true, integer: true };
const DOLLARS = { min: 0, max: 1e9, unit: 'US dollars' };

/** The digest a `keyHash` holds for `key`: `sha256:` and 64 hex digits. */
export function hashClientKey(key: string): string {
  return `sha256:${createHash('sha256').update(key, 'utf8').digest('hex')}`;
}

/** `client key #2 ("team-a")`: by position, and by id once the id is known to be a name. */
function fail(index: number, message: string, id?: string): never {
  const named = id === undefined ? '' : ` ("${id}")`;
  throw new TypeError(`client key #${index + 1}${named}: ${message}`);
}

function limitsAt(issues: FieldIssues, value: unknown): ClientKeyLimits | undefined {
  const given = mappingAt(issues, value, ['limits'], ['rpm', 'tpm']);
  if (!given) return undefined;
  const limits = defined<ClientKeyLimits>({
    rpm: numberAt(issues, given.rpm, ['limits', 'rpm'], { ...PER_MINUTE, unit: 'requests' }),
    tpm: numberAt(issues, given.tpm, ['limits', 'tpm'], { ...PER_MINUTE, unit: 'tokens' }),
  });
  if (given.rpm == null && given.tpm == null) {
    issues.add(['limits'], 'set rpm, tpm or both, e.g. { rpm: 60, tpm: 100000 }');
  }
  return limits.rpm === undefined && limits.tpm === undefined ? undefined : limits;
}

function budgetAt(issues: FieldIssues, value: unknown): BudgetLimit | undefined {
  const given = mappingAt(issues, value, ['budget'], ['dailyUsd', 'monthlyUsd']);
  if (!given) return undefined;
  const budget = defined<BudgetLimit>({
    dailyUsd: numberAt(issues, given.dailyUsd, ['budget', 'dailyUsd'], DOLLARS),
    monthlyUsd: numberAt(issues, given.monthlyUsd, ['budget', 'monthlyUsd'], DOLLARS),
  });
  if (given.dailyUsd == null && given.monthlyUsd == null) {
    issues.add(['budget'], 'set dailyUsd, monthlyUsd or both, e.g. { dailyUsd: 50 }');
  }
  return budget.dailyUsd === undefined && budget.monthlyUsd === undefined ? undefined : budget;
}

/** The entry's unknown fields, `limits` and `budget`, with every problem in one message. */
function extrasOf(input: ClientKeyInput, index: number, id: string) {
  const issues = new FieldIssues();
  mappingAt(issues, input, [], FIELDS);
  const limits = limitsAt(issues, input.limits);
  const budget = budgetAt(issues, input.budget);
  if (issues.list.length > 0) {
    fail(index, issues.list.map((i) => `${formatPath(i.path)}: ${i.message}`).join('; '), id);
  }
  return { limits, budget };
}

function store(input: ClientKeyInput, index: number): StoredKey {
  if (typeof input !== 'object' || input === null) fail(index, 'expected an object');
  const { id, key, keyHash, routes } = input;
  if (typeof id !== 'string' || !ID.test(id)) {
    fail(index, 'expected `id` to be a name of 1–64 letters, digits or ._:@- characters');
  }
  let digest: Buffer;
  if (key !== undefined && keyHash !== undefined)
    fail(index, 'give `key` or `keyHash`, not both', id);
  if (typeof key === 'string') {
    if (key.length < MIN_CLIENT_KEY_LENGTH || /\s/.test(key)) {
      fail(
        index,
        `expected \`key\` to have at least ${MIN_CLIENT_KEY_LENGTH} characters and no spaces`,
        id,
      );
    }
    digest = createHash('sha256').update(key, 'utf8').digest();
  } else if (typeof keyHash === 'string') {
    const hex = HASH.exec(keyHash.trim())?.[1];
    if (!hex) fail(index, 'expected `keyHash` to be 64 hex digits (the key’s SHA-256)', id);
    digest = Buffer.from(hex, 'hex');
  } else {
    fail(index, 'expected `key` or `keyHash` to be a string', id);
  }
  if (routes !== undefined) {
    if (!Array.isArray(routes) || routes.some((r) => typeof r !== 'string' || r === '')) {
      fail(index, 'expected `routes` to be a list of route names', id);
    }
  }
  const { limits, budget } = extrasOf(input, index, id);
  const identity: ClientIdentity = Object.freeze({
    id,
    routes: routes === undefined || routes.includes('*') ? undefined : new Set(routes),
    limits,
    budget,
  });
  return { digest, identity };
}

export class ClientKeyring {
  readonly #keys: readonly StoredKey[];

  constructor(inputs: readonly ClientKeyInput[]) {
    const keys = inputs.map(store);
    const ids = new Set<string>();
    const digests = new Set<string>();
    keys.forEach((k, index) => {
      if (ids.has(k.identity.id)) fail(index, `duplicate id "${k.identity.id}"`);
      const hex = k.digest.toString('hex');
      if (digests.has(hex)) fail(index, 'the same key is listed twice', k.identity.id);
      ids.add(k.identity.id);
      digests.add(hex);
    });
    this.#keys = Object.freeze(keys);
  }

  get size(): number {
    return this.#keys.length;
  }

  /** Every key's identity (its id, routes, limits and budget; never the key or its digest). */
  identities(): ClientIdentity[] {
    return this.#keys.map((k) => k.identity);
  }

  /** The identity whose key was presented, or `undefined`. Constant time in the key's content. */
  authenticate(presented: string): ClientIdentity | undefined {
    const digest = createHash('sha256').update(presented, 'utf8').digest();
    let found: ClientIdentity | undefined;
    for (const stored of this.#keys) {
      if (timingSafeEqual(digest, stored.digest)) found = stored.identity;
    }
    return found;
  }
}

/** May `identity` use `route` (a route name, or the `provider/model` a client named)? */
export function mayUse(identity: ClientIdentity | undefined, route: string): boolean {
  return identity?.routes === undefined || identity.routes.has(route);
}

/**
 * The config's budgets with each key's own `budget` as its tenant's entry. A tenant budgeted both
 * in the config (`budgets.tenants[id]`) and on its key is a `ConfigError` naming both places: one
 * of the two would be silently ignored otherwise. A key's budget replaces the `*` default for its
 * tenant, as any named entry does.
 */
export function mergeClientKeyBudgets(
  budgets: BudgetOptions | undefined,
  identities: readonly ClientIdentity[],
): BudgetOptions | undefined {
  const own = identities.filter((identity) => identity.budget !== undefined);
  if (own.length === 0) return budgets;
  const tenants: Record<string, BudgetLimit> = { ...budgets?.tenants };
  const clashes = own.filter((identity) => Object.hasOwn(tenants, identity.id));
  if (clashes.length > 0) {
    throw new ConfigError(
      clashes.map((identity) => ({
        path: ['budgets', 'tenants', identity.id],
        message: `client key "${identity.id}" carries its own \`budget\` too; set this tenant's budget in one place only (the config or the key)`,
      })),
    );
  }
  for (const identity of own) tenants[identity.id] = identity.budget!;
  return Object.freeze({ ...budgets, tenants: Object.freeze(tenants) });
}

/**
 * `BREAKWATER_CLIENT_KEYS`: comma-separated `id:key` pairs (or bare keys, named `key-1`, `key-2`…
 * by position). Route lists, limits and budgets need a key file.
 */
export function parseClientKeysEnv(text: string): ClientKeyInput[] {
  return text
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .map((part, index) => {
      const colon = part.indexOf(':');
      return colon > 0
        ? { id: part.slice(0, colon), key: part.slice(colon + 1) }
        : { id: `key-${index + 1}`, key: part };
    });
}
