/**
 * A one-shot cancellation of one piece of work by its owner, followed without an EventTarget:
 * what a hedge race uses to stop its first attempt when the hedge wins (engine/hedge.ts). The
 * work's own cancellations — the caller's signal, the deadline — stay what they are; this is
 * the owner's, beside them, and reaches the upstream attempt the way the deadline does
 * (`Deadline.onExpire`): one follower, no AbortController, no listener to add and remove. The
 * race runs on every attempt of a route that hedges, and nearly always ends without cancelling.
 */

/** What follows a cancellation: told once, with its reason. */
export interface Cancellable {
  cancelled(reason: Error): void;
}

export class Cancellation {
  #reason: Error | undefined;
  #follower: Cancellable | undefined;

  /** Why it was cancelled; undefined until then. */
  get reason(): Error | undefined {
    return this.#reason;
  }

  /** Cancels with `reason` (the first reason stays) and tells the follower. */
  cancel(reason: Error): void {
    if (this.#reason !== undefined) return;
    this.#reason = reason;
    const follower = this.#follower;
    this.#follower = undefined;
    follower?.cancelled(reason);
  }

  /**
   * `follower` is told when this is cancelled; one at a time (an attempt's calls come one after
   * another), the latest replacing any before. Check `reason` first: nothing is told of a
   * cancellation that came before.
   */
  follow(follower: Cancellable): void {
    this.#follower = follower;
  }

  /** Stops telling `follower`, when it is the one followed. */
  unfollow(follower: Cancellable): void {
    if (this.#follower === follower) this.#follower = undefined;
  }
}
