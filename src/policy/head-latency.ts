/**
 * How long a target takes to give a usable head — a whole answer's response headers, a stream's
 * first content — counted from when the request goes out, learned from its recent answers, for
 * the hedge delay. A stream's first content
 * does not depend on how long the answer will be; a whole answer's headers come only once it is
 * generated, so its time grows with the output. Whole answers are therefore learned apart by
 * their `max_tokens`, in bands a factor of four wide (up to 256, 1024, 4096, 16384, more): a call
 * is compared with calls that could run about as long, and a band with too few samples suggests
 * nothing rather than borrowing another band's figure.
 */
import { LatencyTracker } from './latency-tracker.ts';

/** Upper `max_tokens` of each band but the last; a request without one falls in the last. */
const BAND_LIMITS = [256, 1024, 4096, 16_384] as const;

function band(maxTokens: number | undefined): number {
  if (maxTokens === undefined) return BAND_LIMITS.length;
  for (let i = 0; i < BAND_LIMITS.length; i++) if (maxTokens <= BAND_LIMITS[i]!) return i;
  return BAND_LIMITS.length;
}

export class HeadLatency {
  readonly #stream = new LatencyTracker();
  readonly #whole: LatencyTracker[] = Array.from(
    { length: BAND_LIMITS.length + 1 },
    () => new LatencyTracker(),
  );

  record(stream: boolean, maxTokens: number | undefined, ms: number): void {
    (stream ? this.#stream : this.#whole[band(maxTokens)]!).record(ms);
  }

  /** The recent p95 for calls like this one, once enough of them answered; else `undefined`. */
  p95(stream: boolean, maxTokens: number | undefined): number | undefined {
    return (stream ? this.#stream : this.#whole[band(maxTokens)]!).p95;
  }
}
