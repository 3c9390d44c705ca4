/**
 * Where breakwater keeps state shared between requests: in memory for one process, in Redis for a
 * fleet. The response cache and idempotency records live in every store; the state a fleet must
 * enforce together — rate-limit buckets, budget counters, breaker hints — is the `fleet` part,
 * which only a shared store has: a single process keeps that state in its limiter and breakers,
 * where reading it costs nothing. Every method is async because the Redis one is.
 *
 * The cache part stores each answer with its freshness lifetime. Expiry only makes an entry
 * stale: it stays readable (marked `stale`) until the store needs the room, so the fallback
 * chain can still serve the last good answer when every tier failed.
 */

import type { Event } from '../core/events.ts';
import type { AnthropicMessage } from '../dialects/anthropic/types.ts';
import type { ChatCompletion } from '../dialects/openai/types.ts';
import type { FleetState } from './fleet-state.ts';
import type { IdempotencyStore } from './idempotency-store.ts';

/** A final answer in the dialect it was produced in. */
export type CachedAnswer =
  | { dialect: 'openai'; response: ChatCompletion }
  | { dialect: 'anthropic'; response: AnthropicMessage };

/** What the cache keeps under one key. */
export type CacheEntry = CachedAnswer & {
  /** Clock time (epoch ms) the answer was stored. */
  storedAt: number;
};

/** An entry read back, with its freshness. */
export interface CacheRead {
  entry: CacheEntry;
  /** Clock time (epoch ms) the entry stops being fresh. */
  expiresAt: number;
  /** The freshness lifetime has passed; the entry is kept for stale serving. */
  stale: boolean;
}

/** An entry the store dropped on its own (not through `delete` or `clear`). */
export interface CacheEviction {
  key: string;
  /** `capacity`: pushed out to make room; `expired`: stale for longer than the store keeps. */
  reason: 'capacity' | 'expired';
}

export interface CacheStore {
  /** The entry under `key`, fresh or stale, or `undefined`. Each call returns a fresh copy. */
  get(key: string): Promise<CacheRead | undefined>;
  /**
   * Stores `entry`, fresh for `ttlMs` after `entry.storedAt`. Resolves `false` when the store
   * refused it (an entry larger than the whole store).
   */
  set(key: string, entry: CacheEntry, ttlMs: number): Promise<boolean>;
  delete(key: string): Promise<void>;
  clear(): Promise<void>;
  /** Fires when the store drops an entry by itself; absent where that cannot be observed. */
  readonly onEvict?: Event<CacheEviction>;
}

/** Shared state, one part per concern. */
export interface Store {
  /** `memory` or `redis`, for status pages and logs. */
  readonly kind: 'memory' | 'redis';
  readonly cache: CacheStore;
  readonly idempotency: IdempotencyStore;
  /** What a fleet enforces together; absent for one process (see the module comment). */
  readonly fleet?: FleetState;
  /** Resolves once the store can be used, or once it has been found unreachable (then degraded). */
  ready(): Promise<void>;
  close(): Promise<void>;
}
