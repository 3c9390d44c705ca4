/**
 * Online calibration of prompt estimates: every answer reports the prompt's real token count,
 * so the ratio actual ÷ estimate is learned per target (an exponentially weighted mean) and
 * applied to the next estimate. It turns a rough offline estimate (Claude's, or a compatible
 * provider that counts differently from tiktoken) into one that tracks the provider within a few
 * answers, and costs a multiplication. The ratio is clamped, so one garbled usage report cannot
 * make the limiter reserve nothing or everything.
 */

export interface CalibrationOptions {
  /** Weight of each new observation, 0–1. @default 0.2 */
  alpha?: number;
  /** Lowest ratio ever applied. @default 0.5 */
  minRatio?: number;
  /** Highest ratio ever applied. @default 3 */
  maxRatio?: number;
  /** Most keys remembered; the oldest is forgotten first. @default 1024 */
  maxKeys?: number;
}

export class PromptCalibration {
  readonly #alpha: number;
  readonly #min: number;
  readonly #max: number;
  readonly #maxKeys: number;
  readonly #ratios = new Map<string, number>();

  constructor(options: CalibrationOptions = {}) {
    this.#alpha = options.alpha ?? 0.2;
    this.#min = options.minRatio ?? 0.5;
    this.#max = options.maxRatio ?? 3;
    this.#maxKeys = options.maxKeys ?? 1024;
    if (!(this.#alpha > 0 && this.#alpha <= 1)) {
      throw new TypeError(`Expected \`alpha\` to be in (0, 1], got ${this.#alpha}`);
    }
  }

  /** The learned actual ÷ estimate ratio for `key`; 1 before any observation. */
  ratio(key: string): number {
    return this.#ratios.get(key) ?? 1;
  }

  /** `estimate` corrected by what `key`'s answers reported so far (whole tokens, rounded up). */
  apply(key: string, estimate: number): number {
    return Math.ceil(estimate * this.ratio(key));
  }

  /** Learns from one answer: the raw estimate made for it and the count the provider reported. */
  observe(key: string, estimate: number, actual: number): void {
    if (!(estimate > 0 && actual > 0 && Number.isFinite(actual))) return;
    const sample = Math.min(this.#max, Math.max(this.#min, actual / estimate));
    const previous = this.#ratios.get(key);
    const next = previous === undefined ? sample : previous + this.#alpha * (sample - previous);
    this.#ratios.delete(key);
    this.#ratios.set(key, next);
    if (this.#ratios.size > this.#maxKeys) {
      const oldest = this.#ratios.keys().next().value;
      if (oldest !== undefined) this.#ratios.delete(oldest);
    }
  }

  toJSON(): Record<string, number> {
    return Object.fromEntries(this.#ratios);
  }

  /** Restores ratios saved with `toJSON()`. */
  restore(state: Readonly<Record<string, number>>): void {
    for (const [key, ratio] of Object.entries(state)) {
      if (Number.isFinite(ratio))
        this.#ratios.set(key, Math.min(this.#max, Math.max(this.#min, ratio)));
    }
  }
}
