/**
 * Who is calling: the client key from `Authorization: Bearer <key>` (OpenAI's SDK, and
 * Anthropic's with an auth token) or `x-api-key: <key>` (Anthropic's SDK), checked against the
 * gateway's keyring before the body is even read. Probes (`/healthz`, `/readyz`) are open; every
 * other path needs a key when the gateway has any. With no keys the gateway is open — and then
 * bound to loopback only (see safe-bind.ts).
 */
import type { FastifyRequest } from 'fastify';
import type { BreakwaterError } from '../errors/index.ts';
import type { ClientKeyring } from './client-keys.ts';
import { invalidClientKey, malformedAuthorization, missingClientKey } from './gateway-errors.ts';

/** Probes, and the status page's HTML (its figures come from `/dashboard/data`, which is not open). */
const OPEN_PATHS = new Set(['/healthz', '/readyz', '/dashboard']);
const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;

function one(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** The keys a request presents, `x-api-key` first. */
export function presentedKeys(request: FastifyRequest): string[] {
  const keys: string[] = [];
  const apiKey = one(request.headers['x-api-key'])?.trim();
  if (apiKey) keys.push(apiKey);
  const bearer = BEARER.exec(one(request.headers.authorization) ?? '')?.[1];
  if (bearer) keys.push(bearer);
  return keys;
}

/** `url` without its query string (and without a trailing slash, as the router ignores it). */
export function pathOf(url: string): string {
  const query = url.indexOf('?');
  const path = query === -1 ? url : url.slice(0, query);
  return path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
}

export function isOpenPath(url: string): boolean {
  return OPEN_PATHS.has(pathOf(url));
}

/**
 * Why no key could be read: none sent, or an `Authorization` header that is not one Bearer
 * token — another scheme (`Basic`, `Token`), `Bearer` alone, or several tokens. Never quotes
 * what was sent past its scheme.
 */
function unreadableKey(authorization: string | undefined): BreakwaterError {
  const value = authorization?.trim() ?? '';
  if (value === '') return missingClientKey();
  const [scheme = '', ...tokens] = value.split(/[ \t]+/);
  if (!/^Bearer$/i.test(scheme)) {
    const shown = /^[A-Za-z][A-Za-z0-9._-]{0,19}$/.test(scheme)
      ? `the ${scheme} scheme`
      : 'no scheme';
    return malformedAuthorization(`the Authorization header uses ${shown}, not Bearer`);
  }
  if (tokens.length === 0)
    return malformedAuthorization('the Authorization header says Bearer but holds no key');
  return malformedAuthorization(
    `the Authorization header holds ${tokens.length} tokens after Bearer; send exactly one client key`,
  );
}

/** Sets `request.bw.identity`, or throws a 401 in the path's dialect. */
export function authenticate(request: FastifyRequest, keyring: ClientKeyring): void {
  const keys = presentedKeys(request);
  if (keys.length === 0) throw unreadableKey(one(request.headers.authorization));
  for (const key of keys) {
    const identity = keyring.authenticate(key);
    if (identity) {
      request.bw.identity = identity;
      return;
    }
  }
  throw invalidClientKey();
}
