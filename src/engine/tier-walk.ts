/**
 * The order in which a call tries its route's targets: tier by tier, each tier's targets in
 * order — and, with eager failover, back to a target left earlier. When a transient failure
 * would make the engine wait longer than `retry.failoverAfterMs` before the next attempt on the
 * same target (its backoff, or a Retry-After), and a healthy target is still ahead (or a target
 * left earlier is due sooner), the wait is not slept: the walk moves on at once and remembers
 * the target with the time its retry is due. Once the targets ahead are used up, the walk goes
 * back to the ones left, earliest due first, sleeping only what is left of their wait — never
 * past the deadline. So the same-target retry still happens, later, if the others fail.
 *
 * The walk also says where a hedge of a slow attempt goes: the next healthy target after the
 * one being tried, or that same target when the route has only one.
 */
import type { ResolvedRoute, ResolvedTarget } from '../config/config-types.ts';
import type { HedgeTarget } from './hedge.ts';
import type { Run } from './run.ts';
import { planFor, type TargetDeps, type TargetPlace } from './try-target.ts';

interface Place {
  target: ResolvedTarget;
  tier: number;
  /** Position in the route's order. */
  index: number;
}

/** A target to try now: a fresh one, or one left for failover, resumed after `resumeAfter`. */
export interface Step extends Place {
  resumeAfter?: number;
  /** No target comes after this one. */
  last: boolean;
}

interface Left extends Place {
  attempts: number;
  /** Clock time the retry is due. */
  dueAt: number;
}

/** A place in a route's order, with its step as the last target to try and as not the last. */
interface Ordered extends Place {
  readonly asLast: Step;
  readonly notLast: Step;
}

/** Each route's targets in order, computed once, their fresh steps with them. */
const orders = new WeakMap<ResolvedRoute, readonly Ordered[]>();

function orderOf(route: ResolvedRoute): readonly Ordered[] {
  let order = orders.get(route);
  if (!order) {
    const places: Ordered[] = [];
    route.tiers.forEach((tier, t) => {
      for (const target of tier) {
        const place = { target, tier: t, index: places.length };
        places.push({
          ...place,
          asLast: Object.freeze({ ...place, last: true }),
          notLast: Object.freeze({ ...place, last: false }),
        });
      }
    });
    order = Object.freeze(places);
    orders.set(route, order);
  }
  return order;
}

/** The walk is the place of the step it last gave: asked about eager failover and hedges. */
export class TierWalk implements TargetPlace {
  readonly #deps: TargetDeps;
  readonly #run: Run;
  readonly #order: readonly Ordered[];
  #next = 0;
  #left: Left[] | undefined;
  /** The step given last, being tried. */
  #current: Step | undefined;

  constructor(deps: TargetDeps, run: Run) {
    this.#deps = deps;
    this.#run = run;
    this.#order = orderOf(run.route);
  }

  /**
   * The next target to try: the next in tier order, else the target left earliest due, once its
   * wait is over. `undefined` when none is left, or none is due before the deadline, or the
   * caller cancelled while waiting. A promise only when there may be a wait: the next target in
   * order is handed over as it is, its step made once per route.
   */
  next(): Step | undefined | Promise<Step | undefined> {
    if (this.#next < this.#order.length) {
      const place = this.#order[this.#next++]!;
      const last =
        this.#next === this.#order.length &&
        !this.#left?.length &&
        this.#run.route.contextFallback === undefined;
      this.#current = last ? place.asLast : place.notLast;
      return this.#current;
    }
    return this.#resume();
  }

  /** The target left earliest due, once its wait is over. */
  async #resume(): Promise<Step | undefined> {
    const contextFallback = this.#run.route.contextFallback !== undefined;
    const left = this.#takeEarliest();
    if (!left) return undefined;
    const { clock } = this.#deps;
    const { deadline, options } = this.#run;
    const waitMs = left.dueAt - clock.now();
    if (waitMs >= deadline.remainingMs()) {
      // Everything left is due later still: nothing more fits the deadline.
      this.#left = undefined;
      return undefined;
    }
    if (waitMs > 0) {
      try {
        await clock.sleep(waitMs, options.signal);
      } catch {
        return undefined;
      }
    }
    const last = !this.#left?.length && !contextFallback;
    this.#current = { ...left, resumeAfter: left.attempts, last };
    return this.#current;
  }

  /** Eager failover: whether a wait of `delayMs` before retrying `step`'s target is left for later. */
  failover(delayMs: number): boolean {
    if (delayMs <= this.#run.route.policy.retry.failoverAfterMs) return false;
    for (let i = this.#next; i < this.#order.length; i++) {
      if (this.#healthy(this.#order[i]!.target)) return true;
    }
    const dueAt = this.#deps.clock.now() + delayMs;
    return this.#left?.some((left) => left.dueAt < dueAt) ?? false;
  }

  /** Remembers `step`'s target, stopped for failover after `attempts`, due in `resumeInMs`. */
  leave(step: Step, attempts: number, resumeInMs: number): void {
    this.#left ??= [];
    this.#left.push({
      target: step.target,
      tier: step.tier,
      index: step.index,
      attempts,
      dueAt: this.#deps.clock.now() + resumeInMs,
    });
  }

  /** Where a hedge of an attempt on the current step's target goes, if anywhere. */
  hedgeTo(): HedgeTarget | undefined {
    const step = this.#current;
    if (!step) return undefined;
    const order = this.#order;
    let to: Place | undefined;
    if (order.length === 1) to = step;
    else {
      for (let i = step.index + 1; i < order.length && !to; i++) {
        const place = order[i]!;
        if (place.target.id !== step.target.id && this.#healthy(place.target)) to = place;
      }
    }
    if (!to) return undefined;
    const { target, tier } = to;
    return {
      target,
      plan: () => {
        const plan = planFor(this.#deps, this.#run, target, tier);
        return plan instanceof Error ? undefined : { ...plan, final: false };
      },
    };
  }

  #healthy(target: ResolvedTarget): boolean {
    return this.#deps.targets.get(target, this.#run.route.policy).breaker.state !== 'open';
  }

  #takeEarliest(): Left | undefined {
    const left = this.#left;
    if (!left?.length) return undefined;
    let at = 0;
    for (let i = 1; i < left.length; i++) if (left[i]!.dueAt < left[at]!.dueAt) at = i;
    return left.splice(at, 1)[0];
  }
}
