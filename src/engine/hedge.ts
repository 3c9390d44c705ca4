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
import type { Outcome } from '../core/outcome.ts';
import { AbortedError } from '../errors/index.ts';
import { type AttemptDeps, type AttemptPlan, attempt, type Delivered } from './attempt.ts';
import type { Run } from './run.ts';

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
  hedgeTo: () => HedgeTarget | undefined,
): Promise<Outcome<Delivered>> {
  const policy = run.route.policy.hedge;
  if (!policy.enabled) return attempt(deps, run, primary);
  const { state } = primary;
  state.hedgeBudget.recordRequest();
  const maxTokens = run.stream ? undefined : primary.bridge.caller.maxTokens(run.request);
  const p95 = state.heads.p95(run.stream, maxTokens);
  if (p95 === undefined) return attempt(deps, run, primary);
  const delayMs = Math.max(policy.minDelayMs, policy.delayFactor * p95);
  if (delayMs >= run.deadline.remainingMs()) return attempt(deps, run, primary);
  return race(deps, run, primary, delayMs, () => hedgePlan(run, primary, hedgeTo, maxTokens));
}

/** The hedge's plan, if a hedge may start now: a target to go to, budget, and time for it. */
function hedgePlan(
  run: Run,
  primary: AttemptPlan,
  hedgeTo: () => HedgeTarget | undefined,
  maxTokens: number | undefined,
): AttemptPlan | undefined {
  const to = hedgeTo();
  const plan = to?.plan();
  if (!plan) return undefined;
  // A call to the hedge target must be able to answer before the deadline.
  const expected = plan.state.heads.p95(run.stream, maxTokens) ?? 0;
  if (expected >= run.deadline.remainingMs()) return undefined;
  if (!primary.state.hedgeBudget.tryRetry()) return undefined;
  return plan;
}

async function race(
  deps: HedgeDeps,
  run: Run,
  primary: AttemptPlan,
  delayMs: number,
  hedgePlan: () => AttemptPlan | undefined,
): Promise<Outcome<Delivered>> {
  // Every attempt runs this, so it allocates little: one controller for the first attempt, one
  // listener on the caller's signal for both, and the hedge's controller only if it starts.
  const caller = run.options.signal;
  const firstCtl = new AbortController();
  let hedgeCtl: AbortController | undefined;
  const onCallerAbort = () => {
    firstCtl.abort(caller!.reason);
    hedgeCtl?.abort(caller!.reason);
  };
  if (caller?.aborted) firstCtl.abort(caller.reason);
  else caller?.addEventListener('abort', onCallerAbort);
  let winner: 'first' | 'hedge' | undefined;
  const lost = () => new AbortedError('the other attempt of a hedge answered first');
  const onHead = (who: 'first' | 'hedge') => () => {
    if (winner === undefined) {
      winner = who;
      cancelTimer();
      (who === 'first' ? hedgeCtl : firstCtl)?.abort(lost());
    } else if (winner !== who) {
      (who === 'first' ? firstCtl : hedgeCtl)?.abort(lost());
    }
  };
  let hedge: Promise<Outcome<Delivered>> | undefined;
  let over = false;
  const startHedge = () => {
    if (over || winner !== undefined || firstCtl.signal.aborted) return;
    const plan = hedgePlan();
    if (!plan) return;
    deps.onHedge(run, primary.state.target.id, plan.state.target.id);
    hedgeCtl = new AbortController();
    hedge = attempt(deps, run, {
      ...plan,
      hedge: true,
      signal: hedgeCtl.signal,
      onHead: onHead('hedge'),
    });
  };
  // The delay counts from when the request goes out, as the learned times to a head do: a wait
  // for the limiter or a key is not the target being slow.
  let stopTimer: (() => void) | undefined;
  const onSend = () => {
    // Node runs due timers before the I/O that waited beside them: after a stall of the event
    // loop (a long GC, a busy machine) the timer would see no head although it sits in the
    // socket. Deciding on the next turn, after I/O has been read, hedges only what is late.
    if (!over && stopTimer === undefined)
      stopTimer = deps.clock.timer(delayMs, () => setImmediate(startHedge));
  };
  const cancelTimer = () => {
    over = true;
    stopTimer?.();
  };
  try {
    const first = await attempt(deps, run, {
      ...primary,
      signal: firstCtl.signal,
      onSend,
      onHead: onHead('first'),
    });
    // No hedge once the first attempt is over, whatever its outcome.
    cancelTimer();
    if (hedge === undefined) return first;
    if (winner === 'first') {
      // Let the loser finish its abort, so its trail entry and lease are settled first.
      await hedge;
      return first.ok ? won(first.value, 'lost') : first;
    }
    // The hedge answered first, or the first attempt failed with the hedge still running.
    const second = await hedge;
    if (second.ok) {
      if (first.ok) discard(first.value);
      deps.onHedgeWon(run);
      return won(second.value, 'won');
    }
    return first.ok ? won(first.value, 'lost') : first;
  } finally {
    cancelTimer();
    caller?.removeEventListener('abort', onCallerAbort);
  }
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
