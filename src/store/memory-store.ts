/**
 * `createMemoryStore()`: the store of one process, and the default. The response cache and the
 * idempotency records live in this process's memory; there is no `fleet` part, because a single
 * process keeps its limits, budgets and breakers in its own limiter and breakers.
 */
import { type Clock, systemClock } from '../core/clock.ts';
import { MemoryCacheStore } from './memory-cache-store.ts';
import { MemoryIdempotencyStore } from './memory-idempotency-store.ts';
import type { Store } from './store.ts';

export interface MemoryStoreOptions {
  /** The response cache's bound, in bytes. @default 67108864 (64 MiB) */
  cacheMaxBytes?: number;
  clock?: Clock;
}

export function createMemoryStore(options: MemoryStoreOptions = {}): Store {
  const clock = options.clock ?? systemClock;
  let cache: MemoryCacheStore | undefined;
  let idempotency: MemoryIdempotencyStore | undefined;
  // Made on first use: most processes use neither.
  return {
    kind: 'memory',
    get cache() {
      cache ??= new MemoryCacheStore({ maxBytes: options.cacheMaxBytes, clock });
      return cache;
    },
    get idempotency() {
      idempotency ??= new MemoryIdempotencyStore({ clock });
      return idempotency;
    },
    ready: async () => {},
    close: async () => {},
  };
}
