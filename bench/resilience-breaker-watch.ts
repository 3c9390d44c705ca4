/**
 * Watches one target's breaker through the engine's events and counts the upstream attempts the
 * target received in each open period — the window from an `open` transition to the next `open`
 * or `closed` — which in a half-open breaker should be exactly one probe. An attempt belongs to
 * the period in which it started (its end minus its latency), so a call already in flight when
 * the breaker opened is not taken for a probe.
 */
import type { Engine, EngineEvent } from '../src/index.ts';

export interface OpenPeriod {
  /** Milliseconds since the watch began. */
  openedAtMs: number;
  /** The open period the breaker announced. */
  openMs: number | undefined;
  halfOpenAtMs: number | undefined;
  /** When the period ended (`open` again or `closed`); undefined while it lasts. */
  endedAtMs: number | undefined;
  endedBy: 'open' | 'closed' | undefined;
  /** Upstream attempts on the target that started in this period. */
  attempts: number;
}

export class BreakerWatch {
  readonly target: string;
  /** Attempts that started before the breaker first opened. */
  attemptsBeforeOpen = 0;
  /** Attempts that started while the breaker was closed again after a period. */
  attemptsWhileClosed = 0;
  readonly periods: OpenPeriod[] = [];
  #origin = performance.now();
  readonly #subscription: { dispose(): void };

  constructor(engine: Engine, target: string) {
    this.target = target;
    this.#subscription = engine.onEvent((event) => this.#on(event));
  }

  /** Times count from now on (call when the load starts). */
  start(): void {
    this.#origin = performance.now();
  }

  dispose(): void {
    this.#subscription.dispose();
  }

  #on(event: EngineEvent): void {
    const now = performance.now() - this.#origin;
    if (event.type === 'breaker') {
      if (event.target !== this.target) return;
      const { to, openMs } = event.transition;
      const current = this.periods.at(-1);
      if (to === 'half_open') {
        if (current) current.halfOpenAtMs ??= now;
        return;
      }
      if (current && current.endedAtMs === undefined) {
        current.endedAtMs = now;
        current.endedBy = to;
      }
      if (to === 'open') {
        this.periods.push({
          openedAtMs: now,
          openMs,
          halfOpenAtMs: undefined,
          endedAtMs: undefined,
          endedBy: undefined,
          attempts: 0,
        });
      }
      return;
    }
    if (event.type !== 'attempt') return;
    const { record } = event;
    if (record.target !== this.target || record.result === 'skipped') return;
    const startedAt = now - record.latencyMs;
    const period = this.periods.findLast((p) => p.openedAtMs <= startedAt);
    if (!period) this.attemptsBeforeOpen++;
    else if (period.endedBy === 'closed' && period.endedAtMs! <= startedAt)
      this.attemptsWhileClosed++;
    else period.attempts++;
  }
}
