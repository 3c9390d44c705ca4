/**
 * Safe by default: a gateway without client keys answers anyone who can reach it, spending the
 * provider keys it holds, so it may listen on a loopback address only. Binding anywhere else
 * without keys is refused with an error that says how to fix it.
 */
import { isIP } from 'node:net';

export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h === '::1') return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  return h === '::ffff:127.0.0.1';
}

/** Throws when `host` is not loopback and the gateway has no client keys. */
export function assertSafeBind(host: string, clientKeys: number): void {
  if (clientKeys > 0 || isLoopback(host)) return;
  throw new Error(
    `refusing to listen on ${host} without client keys: anyone who can reach it could spend ` +
      'the provider keys. Set BREAKWATER_CLIENT_KEYS (comma-separated id:key pairs) or ' +
      '--client-keys-file FILE, or listen on 127.0.0.1.',
  );
}
