/**
 * The engine's side of a fleet's breaker hints (src/store/breaker-hints.ts). Each breaker's
 * transitions that come from this gateway's own calls are published: opened (until when, for how
 * long) and closed by a successful probe. Hints from the other gateways are adopted by the local
 * breaker of the target — created if this gateway has not used it yet — so an ejected target is
 * ejected fleet-wide within a round trip. A half-open breaker's probe first claims the fleet's
 * one probe; a gateway that loses the claim holds its breaker open while the winner's probe
 * runs, and adopts its verdict when it is published.
 *
 * While the store is down nothing is published or claimed: each gateway's breakers decide alone,
 * as a single process's do.
 */
import type { Clock } from '../core/clock.ts';
import type { BreakerHint, BreakerHints } from '../store/breaker-hints.ts';
import type { TargetState } from './target-state.ts';

export class FleetBreakers {
  readonly #hints: BreakerHints;
  readonly #member: string;
  readonly #clock: Clock;
  readonly #lookup: (target: string) => TargetState | undefined;
  /** Set while a hint is adopted, so the transition it causes is not published back. */
  #adopting = false;

  constructor(
    hints: BreakerHints,
    member: string,
    clock: Clock,
    lookup: (target: string) => TargetState | undefined,
  ) {
    this.#hints = hints;
    this.#member = member;
    this.#clock = clock;
    this.#lookup = lookup;
    hints.onHint((hint) => this.#adopt(hint));
  }

  /** Publishes the transitions of `state`'s breaker that this gateway's own calls caused. */
  watch(state: TargetState): void {
    const { breaker, target } = state;
    breaker.onStateChange(({ from, to }) => {
      if (this.#adopting) return;
      if (to === 'open') {
        const { openUntil, openMs } = breaker.toJSON();
        void this.#hints.publish({
          target: target.id,
          state: 'open',
          openUntil,
          openMs,
          from: this.#member,
        });
      } else if (to === 'closed' && from === 'half_open') {
        const { openMs } = breaker.toJSON();
        void this.#hints.publish({
          target: target.id,
          state: 'closed',
          openMs,
          from: this.#member,
        });
      }
    });
  }

  /**
   * Whether this gateway may send the half-open probe it was just granted: it won the fleet's
   * claim. If not, its breaker stays open while the claim lasts (the winner's probe).
   */
  async claim(state: TargetState): Promise<boolean> {
    const { openMs } = state.breaker.toJSON();
    if (await this.#hints.claimProbe(state.target.id, openMs)) return true;
    this.#with(() =>
      state.breaker.adopt({ state: 'open', openUntil: this.#clock.now() + openMs, openMs }),
    );
    return false;
  }

  #adopt(hint: BreakerHint): void {
    if (hint.from === this.#member) return;
    const state = this.#lookup(hint.target);
    if (!state) return;
    this.#with(() =>
      hint.state === 'closed'
        ? state.breaker.adopt({ state: 'closed' })
        : state.breaker.adopt({
            state: 'open',
            openUntil: hint.openUntil ?? 0,
            openMs: hint.openMs,
          }),
    );
  }

  #with(change: () => void): void {
    this.#adopting = true;
    try {
      change();
    } finally {
      this.#adopting = false;
    }
  }
}
