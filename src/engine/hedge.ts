/**
 * Hedged attempts ("The Tail at Scale"'s hedged requests): when an attempt has given no usable
 * head — a whole answer's response headers, a stream's first content — after the hedge delay,
 * a second attempt starts beside it, on the next healthy tier (the same target when the route
 * has one). The first usable head wins; the other attempt is aborted at once, so its upstream
 * call ends, its breaker ticket is handed back and its limiter lease is settled as the
 * cancellation it is (the reservation is charged: the provider may have generated tokens).
 *
 * The delay is learned per target: `delayFactor` × its recent p95 time from sending a request to
 * a usable head (and counted from when this attempt's request goes out), for calls like this one (streams apart; whole answers by their `max_tokens` band, since a longer
 * answer comes later), never under `minDelayMs`. Until the target has answered enough calls
 * there is no hedge. A hedge also needs the target's hedge budget (`budgetRatio` of its recent
 * attempts), and enough of the deadline left for a call to the hedge target to answer. Once the
 * first attempt has its head there is nothing to hedge: a committed stream is never hedged.
 *
 * To the retry policy the pair is one attempt: it answers with the winner, or — when both fail —
 * with the first attempt's failure (the hedge's is in the trail and counted by its own breaker).
 */
import type { ResolvedTarget } from '../config/config-types.ts';
import { Cancellation } from '../core/cancellation.ts';
import type { Outcome } from '../core/outcome.ts';
import { AbortedError } from '../errors/index.ts';
import {
  type AttemptDeps,
  type AttemptPlan,
  attempt,
  type Delivered,
  type RaceSide,
} from './attempt.ts';
import type { Run } from './run.ts';
import type { TargetPlace } from './try-target.ts';

/** Where a hedge goes: a target, its tier, and the plan to reach it (the request in its dialect). */
export interface HedgeTarget {
  target: ResolvedTarget;
  plan: () => AttemptPlan | undefined;
}

export interface HedgeDeps extends AttemptDeps {
  /** Told of every hedge started, and of the winner of each race. */
  onHedge: (run: Run, from: string, to: string) => void;
  onHedgeWon: (run: Run) => void;
}

/** The attempt the primary plan makes, hedged when the route and the target allow it. */
export function hedgedAttempt(
  deps: HedgeDeps,
  run: Run,
  primary: AttemptPlan,
  place: Pick<TargetPlace, 'hedgeTo'> | undefined,
): Promise<Outcome<Delivered>> {
  const policy = run.route.policy.hedge;
  if (!policy.enabled || !place) return attempt(deps, run, primary);
  const { state } = primary;
  state.hedgeBudget.recordRequest();
  const maxTokens = run.stream ? undefined : primary.bridge.caller.maxTokens(run.request);
  const p95 = state.heads.p95(run.stream, maxTokens);
  if (p95 === undefined) return attempt(deps, run, primary);
  // In whole milliseconds (never sooner): Node keeps one list of timers per distinct duration,
  // and a learned delay with a fraction made and dropped a list of its own on every attempt.
  const delayMs = Math.ceil(Math.max(policy.minDelayMs, policy.delayFactor * p95));
  if (delayMs >= run.deadline.remainingMs()) return attempt(deps, run, primary);
  return new HedgeRace(deps, run, primary, place, maxTokens, delayMs).run();
}

/**
 * One attempt, raced by a hedge if it has no head in time. Every attempt of a hedging route
 * runs one and nearly all end without a hedge, so the race is one object, the first attempt's
 * side of it (told of its request and its head): that attempt follows the caller's signal as
 * any attempt does, and a `Cancellation` stops it if the hedge wins. The hedge's controller, its
 * listener on the caller's signal and its side are made only when it starts.
 */
class HedgeRace implements RaceSide {
  readonly cancellation = new Cancellation();
  readonly #deps: HedgeDeps;
  readonly #run: Run;
  readonly #primary: AttemptPlan;
  readonly #place: Pick<TargetPlace, 'hedgeTo'>;
  readonly #maxTokens: number | undefined;
  readonly #delayMs: number;
  #winner: 'first' | 'hedge' | undefined;
  /** The first attempt is over, or has its head: no hedge starts any more. */
  #over = false;
  #stopTimer: (() => void) | undefined;
  #hedge: Promise<Outcome<Delivered>> | undefined;
  #hedgeCtl: AbortController | undefined;
  #onCallerAbort: (() => void) | undefined;

  constructor(
    deps: HedgeDeps,
    run: Run,
    primary: AttemptPlan,
    place: Pick<TargetPlace, 'hedgeTo'>,
    maxTokens: number | undefined,
    delayMs: number,
  ) {
    this.#deps = deps;
    this.#run = run;
    this.#primary = primary;
    this.#place = place;
    this.#maxTokens = maxTokens;
    this.#delayMs = delayMs;
  }

  async run(): Promise<Outcome<Delivered>> {
    try {
      const first = await attempt(this.#deps, this.#run, this.#primary, this);
      // No hedge once the first attempt is over, whatever its outcome.
      this.#end();
      const hedge = this.#hedge;
      if (hedge === undefined) return first;
      if (this.#winner === 'first') {
        // Let the loser finish its abort, so its trail entry and lease are settled first.
        await hedge;
        return first.ok ? won(first.value, 'lost') : first;
      }
      // The hedge answered first, or the first attempt failed with the hedge still running.
      const second = await hedge;
      if (second.ok) {
        if (first.ok) discard(first.value);
        this.#deps.onHedgeWon(this.#run);
        return won(second.value, 'won');
      }
      return first.ok ? won(first.value, 'lost') : first;
    } finally {
      this.#end();
      if (this.#onCallerAbort) {
        this.#run.options.signal?.removeEventListener('abort', this.#onCallerAbort);
      }
    }
  }

  /**
   * The first attempt's request goes out: the delay counts from now, as the learned times to a
   * head do (a wait for the limiter or a key is not the target being slow).
   */
  sent(): void {
    if (this.#over || this.#stopTimer !== undefined) return;
    // Node runs due timers before the I/O that waited beside them: after a stall of the event
    // loop (a long GC, a busy machine) the timer would see no head although it sits in the
    // socket. Deciding on the next turn, after I/O has been read, hedges only what is late.
    this.#stopTimer = this.#deps.clock.timer(this.#delayMs, () =>
      setImmediate(HedgeRace.#startHedge, this),
    );
  }

  /** The first attempt's head. */
  head(): void {
    this.#headOf('first');
  }

  #headOf(who: 'first' | 'hedge'): void {
    if (this.#winner === undefined) {
      this.#winner = who;
      this.#end();
      this.#stop(who === 'first' ? 'hedge' : 'first');
    } else if (this.#winner !== who) {
      this.#stop(who);
    }
  }

  /** Stops the side that lost (the hedge only if it started). */
  #stop(loser: 'first' | 'hedge'): void {
    if (loser === 'hedge' && this.#hedgeCtl === undefined) return;
    const reason = new AbortedError('the other attempt of a hedge answered first');
    if (loser === 'first') this.cancellation.cancel(reason);
    else this.#hedgeCtl?.abort(reason);
  }

  #end(): void {
    this.#over = true;
    this.#stopTimer?.();
  }

  static #startHedge(race: HedgeRace): void {
    race.#start();
  }

  /** The hedge, if one may start now: the first attempt still without a head, a plan for it. */
  #start(): void {
    const caller = this.#run.options.signal;
    if (this.#over || this.#winner !== undefined) return;
    if (this.cancellation.reason !== undefined || caller?.aborted) return;
    const plan = hedgePlan(this.#run, this.#primary, this.#place, this.#maxTokens);
    if (!plan) return;
    this.#deps.onHedge(this.#run, this.#primary.state.target.id, plan.state.target.id);
    const controller = new AbortController();
    this.#hedgeCtl = controller;
    if (caller) {
      this.#onCallerAbort = () => controller.abort(caller.reason);
      caller.addEventListener('abort', this.#onCallerAbort);
    }
    const side: RaceSide = { sent() {}, head: () => this.#headOf('hedge') };
    this.#hedge = attempt(
      this.#deps,
      this.#run,
      { ...plan, hedge: true, signal: controller.signal },
      side,
    );
  }
}

/** The hedge's plan, if a hedge may start now: a target to go to, budget, and time for it. */
function hedgePlan(
  run: Run,
  primary: AttemptPlan,
  place: Pick<TargetPlace, 'hedgeTo'>,
  maxTokens: number | undefined,
): AttemptPlan | undefined {
  const to = place.hedgeTo();
  const plan = to?.plan();
  if (!plan) return undefined;
  // A call to the hedge target must be able to answer before the deadline.
  const expected = plan.state.heads.p95(run.stream, maxTokens) ?? 0;
  if (expected >= run.deadline.remainingMs()) return undefined;
  if (!primary.state.hedgeBudget.tryRetry()) return undefined;
  return plan;
}

/** The race's answer, saying whether the hedge or the first attempt gave it. */
function won(delivered: Delivered, hedge: 'won' | 'lost'): Outcome<Delivered> {
  delivered.hedge = hedge;
  return { ok: true, value: delivered };
}

/** An answer that lost the race after all (both heads came at once): closed and settled. */
function discard(delivered: Delivered): void {
  if (delivered.opened) {
    void delivered.opened.rest.return?.().catch(() => undefined);
    delivered.lease.settle({ error: new AbortedError('the hedge answered first') });
  }
}
