/**
 * The engine's hook for whatever must say yes before an attempt leaves: the rate limiter (RPM
 * and TPM buckets, the priority queue) and spend budgets. `acquire` resolves with a lease or
 * rejects with breakwater's own error (`rate_limited`, `queue_full`, `budget_exceeded`); the
 * lease is settled exactly once, on every path — success with the usage the provider reported,
 * failure, cancellation, a client that went away — so reservations never leak.
 */
import type { ResolvedRoute, ResolvedTarget } from '../config/config-types.ts';
import type { Deadline } from '../core/deadline.ts';
import type { DialectName } from '../dialects/dialect-name.ts';
import type { HeadersLike } from '../dialects/headers.ts';
import type { Usage } from '../dialects/usage.ts';
import type { BreakwaterError } from '../errors/index.ts';

export type Priority = 'high' | 'normal' | 'low';

export interface AdmissionRequest {
  target: ResolvedTarget;
  route: ResolvedRoute;
  /** The dialect the request is sent upstream in. */
  dialect: DialectName;
  /** The request as the target reads it (model set, translated if needed). */
  request: Record<string, unknown>;
  priority: Priority;
  deadline: Deadline;
  signal: AbortSignal | undefined;
  /** The gateway client the call belongs to. */
  tenant: string | undefined;
  /** A short non-secret fingerprint of the upstream key the attempt will use. */
  keyId: string | undefined;
}

export interface Settlement {
  /** The usage the provider reported; absent when unknown (a cut stream, an error). */
  usage?: Usage;
  /** The answer's headers, to adopt the provider's view of the limits. */
  headers?: HeadersLike;
  error?: BreakwaterError;
}

export interface Lease {
  /** Ends the attempt's reservation. Idempotent: only the first call counts. */
  settle(result: Settlement): void;
}

export interface Admission {
  acquire(request: AdmissionRequest): Promise<Lease>;
}
