/**
 * Key names under the configured prefix. Each carries a Redis Cluster hash tag (`{…}`) chosen so
 * that what one script touches lives in one slot: a limit scope's buckets are one hash, tagged by
 * the scope, so the lanes shard across a cluster; the budget counters of one call (its route,
 * tenant and total budgets) are checked together by one script, so every budget shares one tag.
 * Braces inside a name would move the tag, so they are replaced.
 */

const tagSafe = (name: string) => name.replaceAll('{', '(').replaceAll('}', ')');

export class RedisKeys {
  readonly prefix: string;

  constructor(prefix: string) {
    this.prefix = prefix;
  }

  /** A limit scope's buckets (one hash). */
  lane(scope: string): string {
    return `${this.prefix}lane:{${tagSafe(scope)}}`;
  }

  /** A budget's counter in one window. */
  budget(key: string, windowId: string): string {
    return `${this.prefix}{budget}:${tagSafe(key)}:${windowId}`;
  }

  /** The holds (reservations in flight) on a budget's counter in one window. */
  budgetHolds(key: string, windowId: string): string {
    return `${this.budget(key, windowId)}:holds`;
  }

  /** A cached answer. */
  cache(key: string): string {
    return `${this.prefix}cache:{${tagSafe(key)}}`;
  }

  /** The pattern of every cached answer, for `clear()`. */
  get cachePattern(): string {
    return `${this.prefix}cache:*`;
  }

  idempotency(key: string): string {
    return `${this.prefix}idem:{${tagSafe(key)}}`;
  }

  /** The gateways that registered recently (a sorted set by heartbeat time). */
  get fleet(): string {
    return `${this.prefix}fleet`;
  }

  /** A target's breaker hint. */
  breaker(target: string): string {
    return `${this.prefix}breaker:{${tagSafe(target)}}`;
  }

  /** The fleet's half-open probe claim for a target (same slot as its hint). */
  probe(target: string): string {
    return `${this.prefix}breaker:{${tagSafe(target)}}:probe`;
  }

  /** The pattern of every breaker hint (and probe claim), read on (re)connecting. */
  get breakerPattern(): string {
    return `${this.prefix}breaker:*`;
  }

  /** Where breaker hints are published. */
  get breakerChannel(): string {
    return `${this.prefix}breakers`;
  }
}
