/**
 * The operators' view: who sees every tenant on `/status` and `/dashboard`, and who may read
 * `/metrics`. A gateway without client keys is open, bound to loopback only (safe-bind.ts), and
 * everyone who reaches it is an operator. With client keys, the operators are whoever presents
 * the admin key (`telemetry.adminKey` or `BREAKWATER_ADMIN_KEY`, kept hashed); a client key sees
 * its own tenant's figures only, and `/metrics` (every tenant's traffic) not at all.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { presentedKeys } from './auth.ts';

/** Paths an admin key may be presented to instead of a client key. */
export const ADMIN_PATHS: ReadonlySet<string> = new Set(['/status', '/dashboard/data', '/metrics']);

export class AdminKey {
  readonly #hash: Buffer | undefined;

  /** `hash`: the sha256 of the admin key, hex (`telemetry.adminKeyHash`). */
  constructor(hash: string | undefined) {
    this.#hash = hash === undefined ? undefined : Buffer.from(hash, 'hex');
  }

  get configured(): boolean {
    return this.#hash !== undefined;
  }

  /** Whether `request` presents the admin key. */
  presentedBy(request: FastifyRequest): boolean {
    const expected = this.#hash;
    if (expected === undefined) return false;
    for (const key of presentedKeys(request)) {
      const hash = createHash('sha256').update(key).digest();
      if (timingSafeEqual(hash, expected)) return true;
    }
    return false;
  }
}
