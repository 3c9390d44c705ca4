/**
 * A bounded priority queue: three classes (high, normal, low), first in first out within one,
 * and a hard maximum depth across all three, so a burst turns into backpressure (`queue_full`)
 * instead of unbounded memory. Strict priority: the head is the oldest waiter of the highest
 * class present; a class never overtakes a higher one, and nothing overtakes the head (a large
 * request at the head is not starved by a stream of small ones behind it).
 */
import type { Priority } from './admission.ts';

const PRIORITIES: readonly Priority[] = ['high', 'normal', 'low'];

export interface Queued {
  readonly priority: Priority;
}

export class WaitQueue<T extends Queued> {
  readonly maxDepth: number;
  readonly #lines: Record<Priority, T[]> = { high: [], normal: [], low: [] };
  #size = 0;

  constructor(maxDepth: number) {
    this.maxDepth = maxDepth;
  }

  get size(): number {
    return this.#size;
  }

  get full(): boolean {
    return this.#size >= this.maxDepth;
  }

  /** Waiters per class. */
  depths(): Record<Priority, number> {
    return {
      high: this.#lines.high.length,
      normal: this.#lines.normal.length,
      low: this.#lines.low.length,
    };
  }

  /** Adds `item` behind its class; `false` when the queue is full. */
  push(item: T): boolean {
    if (this.full) return false;
    this.#lines[item.priority].push(item);
    this.#size++;
    return true;
  }

  /** The next to go, or `undefined`. */
  peek(): T | undefined {
    for (const p of PRIORITIES) {
      const line = this.#lines[p];
      if (line.length > 0) return line[0];
    }
    return undefined;
  }

  shift(): T | undefined {
    for (const p of PRIORITIES) {
      const item = this.#lines[p].shift();
      if (item !== undefined) {
        this.#size--;
        return item;
      }
    }
    return undefined;
  }

  /** Takes `item` out wherever it is (a cancelled wait); `false` when it was not queued. */
  remove(item: T): boolean {
    const line = this.#lines[item.priority];
    const at = line.indexOf(item);
    if (at < 0) return false;
    line.splice(at, 1);
    this.#size--;
    return true;
  }

  /** Whether any waiter goes before a newcomer of class `priority` (allocates nothing). */
  anyAhead(priority: Priority): boolean {
    if (this.#size === 0) return false;
    for (const p of PRIORITIES) {
      if (this.#lines[p].length > 0) return true;
      if (p === priority) return false;
    }
    return false;
  }

  /** Every waiter that goes before a newcomer of class `priority`, in order. */
  *ahead(priority: Priority): Generator<T> {
    for (const p of PRIORITIES) {
      yield* this.#lines[p];
      if (p === priority) return;
    }
  }

  /** Every waiter, in order. */
  *[Symbol.iterator](): Generator<T> {
    for (const p of PRIORITIES) yield* this.#lines[p];
  }
}
