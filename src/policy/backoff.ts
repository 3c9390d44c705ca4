/**
 * How long to wait before a retry. The default is "full jitter" exponential backoff,
 * `random(0, min(cap, base * 2^retry))` (AWS Architecture Blog, "Exponential Backoff and
 * Jitter"): the randomness spreads clients out so they do not retry in lock-step. A server's
 * Retry-After is a floor on top of it, never a reason to wait past the deadline.
 */

export interface Backoff {
  /** The wait before retry number `retry` (0 for the first retry), in milliseconds. */
  delayMs(retry: number, random: () => number): number;
}

export interface ExponentialBackoffOptions {
  /** @default 1000 */
  baseMs?: number;
  /** @default 60000 */
  capMs?: number;
}

export const DEFAULT_BACKOFF = Object.freeze({ baseMs: 1000, capMs: 60_000 });

export class FullJitterBackoff implements Backoff {
  readonly baseMs: number;
  readonly capMs: number;

  constructor(options: ExponentialBackoffOptions = {}) {
    const { baseMs, capMs } = { ...DEFAULT_BACKOFF, ...options };
    if (!(baseMs > 0))
      throw new TypeError(`Expected \`baseMs\` to be a positive number, got ${baseMs}`);
    if (!(capMs >= baseMs))
      throw new TypeError(`Expected \`capMs\` (${capMs}) to be at least \`baseMs\` (${baseMs})`);
    this.baseMs = baseMs;
    this.capMs = capMs;
  }

  /** The upper bound of the wait before retry number `retry`. */
  ceilingMs(retry: number): number {
    return Math.min(this.capMs, this.baseMs * 2 ** Math.min(retry, 52));
  }

  delayMs(retry: number, random: () => number): number {
    return random() * this.ceilingMs(retry);
  }
}

/**
 * The wait before the next attempt: the backoff, raised to the server's Retry-After when that is
 * longer, plus a little positive jitter on the server's value (up to 10%, at most 1 s) so clients
 * told the same instant do not all return at once.
 */
export function retryDelayMs(
  backoff: Backoff,
  retry: number,
  retryAfterMs: number | undefined,
  random: () => number,
): number {
  const own = backoff.delayMs(retry, random);
  if (retryAfterMs === undefined) return own;
  const floor = retryAfterMs + random() * Math.min(1000, retryAfterMs * 0.1);
  return Math.max(own, floor);
}
