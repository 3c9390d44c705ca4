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
 * budget (`budget`, which becomes the tenant's entry in the config's `budgets.tenants`); both are
 * described in client-key-schema.ts, and a bad value is refused at start with the entry and the
 * field named — never the key.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { BudgetLimit } from '../budget/budget-guard.ts';
import { formatPath } from '../config/config-error.ts';
import type { ClientKeyLimits } from './client-key-limits.ts';
import { type ClientKeyEntry, clientKeyProblems } from './client-key-schema.ts';

export type { ClientKeyLimits } from './client-key-limits.ts';
export { mergeClientKeyBudgets } from './client-key-limits.ts';

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

const HASH = /^(?:sha256:)?([0-9a-fA-F]{64})$/;

/** The digest a `keyHash` holds for `key`: `sha256:` and 64 hex digits. */
export function hashClientKey(key: string): string {
  return `sha256:${createHash('sha256').update(key, 'utf8').digest('hex')}`;
}

/** `client key #2 ("team-a")`: by position, and by id once the id is known to be a name. */
function fail(index: number, message: string, id?: string): never {
  const named = id === undefined ? '' : ` ("${id}")`;
  throw new TypeError(`client key #${index + 1}${named}: ${message}`);
}

/**
 * An entry checked against its schema (client-key-schema.ts) and stored as a digest. Problems
 * name the entry by position, and by id once the id is known to be a name: `client key #2
 * ("team-a"): limits.rpm: …`, every problem of the entry at once, never the key.
 */
function store(input: ClientKeyInput, index: number): StoredKey {
  const issues = clientKeyProblems(input);
  if (issues.length > 0) {
    const id =
      typeof input?.id === 'string' && /^[\w.:@-]{1,64}$/.test(input.id) ? ` ("${input.id}")` : '';
    const list = issues.map((i) =>
      i.path.length > 0 ? `${formatPath(i.path)}: ${i.message}` : i.message,
    );
    throw new TypeError(`client key #${index + 1}${id}: ${list.join('; ')}`);
  }
  const entry = input as ClientKeyEntry;
  const digest =
    entry.key !== undefined
      ? createHash('sha256').update(entry.key, 'utf8').digest()
      : Buffer.from(HASH.exec(entry.keyHash!.trim())![1]!, 'hex');
  const { routes, limits, budget } = entry;
  const identity: ClientIdentity = Object.freeze({
    id: entry.id,
    routes: routes === undefined || routes.includes('*') ? undefined : new Set(routes),
    limits:
      limits && (limits.rpm !== undefined || limits.tpm !== undefined)
        ? Object.freeze({ ...limits })
        : undefined,
    budget:
      budget && (budget.dailyUsd !== undefined || budget.monthlyUsd !== undefined)
        ? Object.freeze({ ...budget })
        : undefined,
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
