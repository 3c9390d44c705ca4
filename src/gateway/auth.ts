/**
 * Who is calling: the client key from `Authorization: Bearer <key>` (OpenAI's SDK, and
 * Anthropic's with an auth token) or `x-api-key: <key>` (Anthropic's SDK), checked against the
 * gateway's keyring before the body is even read. Probes (`/healthz`, `/readyz`) are open; every
 * other path needs a key when the gateway has any. With no keys the gateway is open — and then
 * bound to loopback only (see safe-bind.ts).
 */
import type { FastifyRequest } from 'fastify';
import type { ClientKeyring } from './client-keys.ts';
import { invalidClientKey, missingClientKey } from './gateway-errors.ts';

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

/** Sets `request.bw.identity`, or throws a 401 in the path's dialect. */
export function authenticate(request: FastifyRequest, keyring: ClientKeyring): void {
  const keys = presentedKeys(request);
  if (keys.length === 0) throw missingClientKey();
  for (const key of keys) {
    const identity = keyring.authenticate(key);
    if (identity) {
      request.bw.identity = identity;
      return;
    }
  }
  throw invalidClientKey();
}
