/**
 * Whether a shared store is answering. A part that sees a store call fail or time out reports
 * it here; from then on the fleet's state is served from each process's local view (its share
 * of every limit and budget) instead of waiting on a store that is down, until the store's probe
 * finds it answering again. `generation` counts recoveries, so a part can tell that the store it
 * left came back and rejoin it.
 */
import type { Clock } from '../core/clock.ts';
import { EventEmitter } from '../core/events.ts';

export type StoreHealthChange =
  | { state: 'degraded'; store: string; reason: string }
  | { state: 'recovered'; store: string; degradedMs: number };

export class StoreHealth {
  readonly store: string;
  readonly #clock: Clock;
  readonly #changes = new EventEmitter<StoreHealthChange>();
  /** Every change of state: a warning to log, a figure to show. */
  readonly onChange = this.#changes.event;
  #degraded = false;
  #since = 0;
  #reason = '';
  #generation = 0;
  /** Times the store went down since the process started. */
  outages = 0;

  constructor(store: string, clock: Clock) {
    this.store = store;
    this.#clock = clock;
  }

  get degraded(): boolean {
    return this.#degraded;
  }

  get generation(): number {
    return this.#generation;
  }

  /** Since when (epoch ms) the store is down, and why; `undefined` while it answers. */
  get outage(): { since: number; reason: string } | undefined {
    return this.#degraded ? { since: this.#since, reason: this.#reason } : undefined;
  }

  /** A call failed: serve on the local view until the store answers again. */
  fail(reason: string): void {
    if (this.#degraded) return;
    this.#degraded = true;
    this.#since = this.#clock.now();
    this.#reason = reason;
    this.outages++;
    this.#changes.emit({ state: 'degraded', store: this.store, reason });
  }

  /** The store answers again. */
  recover(): void {
    if (!this.#degraded) return;
    this.#degraded = false;
    this.#generation++;
    this.#changes.emit({
      state: 'recovered',
      store: this.store,
      degradedMs: this.#clock.now() - this.#since,
    });
  }
}
