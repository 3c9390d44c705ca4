/**
 * Recent times to first byte of one target, and the hang timeout they suggest. A provider that
 * accepts a request and never answers is the costliest failure there is: a fixed first-byte
 * timeout must be long enough for the slowest legitimate answer (a non-streaming generation
 * answers only when it is done), so every hang costs that long. Instead, once a target has
 * answered enough requests, an attempt that takes `multiplier` × the recent p99 is taken for a
 * hang and retried — bounded below by `floorMs` and above by the static, max_tokens-based rule.
 * The engine gives the final attempt the static timeout, so a slow but valid answer still comes
 * through instead of turning into a timeout (user-needs #5).
 *
 * Samples live in a fixed ring; the quantiles (p99 for the hang timeout, p95 for the hedge
 * delay) are recomputed every `recomputeEvery` samples (one pass over the ring, no sort), so the
 * hot path costs one array write.
 */

export interface LatencyTrackerOptions {
  /** Samples kept. @default 256 */
  size?: number;
  /** Samples needed before the tracker suggests anything. @default 20 */
  minSamples?: number;
  /** Timeout = multiplier × p99. @default 3 */
  multiplier?: number;
  /** Never suggest less. @default 1000 */
  floorMs?: number;
  /** @default 16 */
  recomputeEvery?: number;
}

const LATENCY_TRACKER_DEFAULTS = Object.freeze({
  size: 256,
  minSamples: 20,
  multiplier: 3,
  floorMs: 1000,
  recomputeEvery: 16,
});

export class LatencyTracker {
  readonly #samples: Float64Array;
  readonly #options: Readonly<Required<LatencyTrackerOptions>>;
  #count = 0;
  #sinceRecompute = 0;
  #p99: number | undefined;
  #p95: number | undefined;
  /** Scratch for `#quantiles`: the largest samples, in descending order. */
  #top = new Float64Array(16);

  constructor(options: LatencyTrackerOptions = {}) {
    this.#options = Object.freeze({ ...LATENCY_TRACKER_DEFAULTS, ...options });
    this.#samples = new Float64Array(this.#options.size);
  }

  record(ms: number): void {
    if (!(ms >= 0)) return;
    this.#samples[this.#count % this.#samples.length] = ms;
    this.#count++;
    if (++this.#sinceRecompute >= this.#options.recomputeEvery || this.#p99 === undefined) {
      this.#sinceRecompute = 0;
      if (this.#count >= this.#options.minSamples) this.#quantiles();
    }
  }

  /** The 99th percentile of the kept samples, once there are enough. */
  get p99(): number | undefined {
    return this.#p99;
  }

  /** The 95th percentile of the kept samples, once there are enough. */
  get p95(): number | undefined {
    return this.#p95;
  }

  /** The suggested first-byte timeout, at most `ceilingMs`; the ceiling until there are samples. */
  timeoutMs(ceilingMs: number): number {
    if (this.#p99 === undefined) return ceilingMs;
    const { multiplier, floorMs } = this.#options;
    return Math.min(ceilingMs, Math.max(floorMs, multiplier * this.#p99));
  }

  /**
   * The samples at ranks ⌊0.95·n⌋ and ⌊0.99·n⌋ in ascending order, found as the k-th largest
   * (k = n − rank: 13 and 3 of 256) in one pass that keeps the k largest seen for p95 — p99 is
   * among them — with no copy and no sort of the ring.
   */
  #quantiles(): void {
    const n = Math.min(this.#count, this.#samples.length);
    const rank = (q: number) => n - Math.min(n - 1, Math.floor(q * n));
    const k = rank(0.95);
    if (this.#top.length < k) this.#top = new Float64Array(k);
    const top = this.#top;
    top.fill(Number.NEGATIVE_INFINITY, 0, k);
    for (let i = 0; i < n; i++) {
      const x = this.#samples[i]!;
      if (x <= top[k - 1]!) continue;
      // Insert x into the descending list of the k largest.
      let j = k - 1;
      while (j > 0 && top[j - 1]! < x) {
        top[j] = top[j - 1]!;
        j--;
      }
      top[j] = x;
    }
    this.#p95 = top[k - 1]!;
    this.#p99 = top[rank(0.99) - 1]!;
  }
}
