/**
 * Coalescing (a route's `coalesce: true`): identical non-streaming calls that are in flight at
 * the same time — same route, same tenant, same request by its canonical JSON — share one run of
 * the engine, so one upstream call (and one charge) answers them all. The first caller starts
 * the shared run; those who come while it runs wait for it. Everyone gets the answer (each its
 * own copy) or the same error; `meta.coalesced` says how many shared it.
 *
 * The shared run belongs to no single caller: it is cancelled only when every caller waiting
 * for it has left (aborted, or past its own deadline). It runs under the first caller's deadline
 * and options, so a later caller with a longer deadline can still see it end early — the price
 * of sharing, and why coalescing is off by default.
 */
import { canonicalHash } from '../core/canonical-hash.ts';
import type { Clock } from '../core/clock.ts';
import { Deadline } from '../core/deadline.ts';
import { waitWithin } from '../core/wait-within.ts';
import type { EngineAnswer } from './engine-types.ts';
import type { Run } from './run.ts';

interface Shared {
  readonly answer: Promise<EngineAnswer>;
  readonly controller: AbortController;
  /** Callers that joined, the first included. */
  callers: number;
  /** Callers still waiting. */
  waiting: number;
}

export class Coalescer {
  readonly #shared = new Map<string, Shared>();
  readonly #clock: Clock;
  readonly #onShared: (run: Run, callers: number) => void;

  /** `onShared` hears of each shared run that answered more than one caller. */
  constructor(clock: Clock, onShared: (run: Run, callers: number) => void) {
    this.#clock = clock;
    this.#onShared = onShared;
  }

  /** Calls in flight now that others may join. */
  get inFlight(): number {
    return this.#shared.size;
  }

  /** The answer to `run`: from a shared run already under way, or from `execute` run for all. */
  async answer(run: Run, execute: (run: Run) => Promise<EngineAnswer>): Promise<EngineAnswer> {
    const key = canonicalHash({
      dialect: run.dialect,
      route: run.route.name,
      tenant: run.options.tenant ?? null,
      request: run.request,
    });
    let shared = this.#shared.get(key);
    const first = shared === undefined;
    if (shared === undefined) shared = this.#start(key, run, execute);
    else shared.callers++;
    shared.waiting++;
    const own = run.options.signal;
    const leave = () => {
      if (--shared.waiting === 0 && !shared.controller.signal.aborted)
        shared.controller.abort(own?.reason);
    };
    let answer: EngineAnswer;
    try {
      answer = await waitWithin(shared.answer, run.deadline, own);
    } catch (err) {
      leave();
      throw err;
    }
    shared.waiting--;
    const callers = shared.callers;
    if (callers === 1) return answer;
    if (first) this.#onShared(run, callers);
    const meta = { ...answer.meta, coalesced: callers };
    if (first || answer.kind !== 'json') return { ...answer, meta };
    // Each caller gets its own copy of the body: one may change what it was given.
    return { ...answer, body: structuredClone(answer.body), meta };
  }

  #start(key: string, run: Run, execute: (run: Run) => Promise<EngineAnswer>): Shared {
    const controller = new AbortController();
    // Its own deadline at the same time as the first caller's: that caller's ends with its call,
    // which may leave before the others.
    const deadline = Deadline.at(run.deadline.atMs, this.#clock, { model: run.route.name });
    const detached: Run = {
      ...run,
      deadline,
      options: { ...run.options, signal: controller.signal },
    };
    const answer = execute(detached).finally(() => {
      deadline.dispose();
      if (this.#shared.get(key) === shared) this.#shared.delete(key);
    });
    // A caller that left does not read the answer; the shared promise must not go unhandled.
    answer.catch(() => undefined);
    const shared: Shared = { answer, controller, callers: 1, waiting: 0 };
    this.#shared.set(key, shared);
    return shared;
  }
}
