/**
 * Metric series bound once to their labels and counted in plain numbers, folded into the
 * Prometheus text when it is read (a scrape). prom-client hashes a series' labels into a string
 * on every `inc` and `observe`, children made with `labels()` included, and with several
 * updates a request that garbage was most of what metrics cost the gateway (figures:
 * docs/observability.md, "What metrics cost"). Here a request adds to a number.
 *
 * - `BoundCounter` is prom-client's `Counter` with `bind(labels)`: a cell that keeps what it
 *   counted until the counter is read, then adds it through the counter's own `inc`.
 * - `BoundHistogram` is a histogram of its own, registered in a prom-client `Registry` beside the
 *   others: prom-client's `Histogram` has no way to add a series' counts in bulk, so its series
 *   keep their bucket counts themselves and are written out in prom-client's shape (the JSON of
 *   `registry.getMetricsAsJSON()`, one value per bucket, `_sum` and `_count`).
 *
 * A value that is not a finite number (or, for a counter, not positive) is dropped, where
 * prom-client would throw in the subscriber: kept, it would break every later scrape.
 */
import { Counter, type LabelValues, type Metric, type Registry } from 'prom-client';

/** A counter series, bound. */
export interface CounterCell {
  inc(n?: number): void;
}

class PendingCount<T extends string> implements CounterCell {
  readonly labels: LabelValues<T>;
  pending = 0;

  constructor(labels: LabelValues<T>) {
    this.labels = labels;
  }

  inc(n = 1): void {
    if (n > 0 && n < Number.POSITIVE_INFINITY) this.pending += n;
  }
}

export class BoundCounter<T extends string> extends Counter<T> {
  readonly #cells: PendingCount<T>[] = [];

  /** The series of `labels`, to keep and count on; each call makes another cell. */
  bind(labels: LabelValues<T>): CounterCell {
    const cell = new PendingCount(labels);
    this.#cells.push(cell);
    return cell;
  }

  override get(): ReturnType<Counter<T>['get']> {
    for (const cell of this.#cells) {
      if (cell.pending === 0) continue;
      const n = cell.pending;
      cell.pending = 0;
      this.inc(cell.labels, n);
    }
    return super.get();
  }

  override reset(): void {
    super.reset();
    // prom-client's constructor calls reset() before this class's fields exist.
    if (#cells in this) for (const cell of this.#cells) cell.pending = 0;
  }
}

/** A histogram series, bound. */
export interface HistogramCell {
  observe(value: number): void;
}

type LabelRecord = Record<string, string | number>;

class Series implements HistogramCell {
  readonly labels: LabelRecord;
  readonly #upper: readonly number[];
  /** Observations per bucket (not cumulative); the last counts those above every bound. */
  readonly counts: Float64Array;
  sum = 0;
  count = 0;

  constructor(labels: LabelRecord, upper: readonly number[]) {
    this.labels = labels;
    this.#upper = upper;
    this.counts = new Float64Array(upper.length + 1);
  }

  observe(value: number): void {
    if (!Number.isFinite(value)) return;
    const upper = this.#upper;
    let i = 0;
    while (i < upper.length && value > upper[i]!) i++;
    this.counts[i]!++;
    this.sum += value;
    this.count++;
  }
}

/** What `get()` gives: prom-client's metric object, as `registry.getMetricsAsJSON()` shows it. */
export interface HistogramObject {
  name: string;
  help: string;
  type: 'histogram';
  aggregator: 'sum';
  values: { labels: LabelRecord; value: number; metricName: string }[];
}

export interface BoundHistogramConfiguration<T extends string> {
  name: string;
  help: string;
  labelNames: readonly T[];
  /** Upper bounds, ascending. */
  buckets: readonly number[];
  registers: Registry[];
}

export class BoundHistogram<T extends string> {
  readonly name: string;
  readonly help: string;
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  readonly labelNames: readonly T[];
  readonly #upper: readonly number[];
  /** By the label values in `labelNames` order. */
  readonly #series = new Map<string, Series>();

  constructor(config: BoundHistogramConfiguration<T>) {
    this.name = config.name;
    this.help = config.help;
    this.labelNames = config.labelNames;
    this.#upper = Object.freeze([...config.buckets].sort((a, b) => a - b));
    // The registry reads a metric through `get()`, `reset()`, `name` and `type` only.
    for (const registry of config.registers) registry.registerMetric(this as unknown as Metric);
  }

  /** The series of `labels`, made on first use: keep it and observe on it. */
  labels(labels: LabelValues<T>): HistogramCell {
    const own: LabelRecord = {};
    for (const name of this.labelNames) {
      const value = labels[name];
      if (value !== undefined) own[name] = value;
    }
    const key = JSON.stringify(own);
    let series = this.#series.get(key);
    if (!series) {
      series = new Series(own, this.#upper);
      this.#series.set(key, series);
    }
    return series;
  }

  /** One observation on the series of `labels` (looked up each time: for the rare paths). */
  observe(labels: LabelValues<T>, value: number): void {
    this.labels(labels).observe(value);
  }

  /** Every series back to zero; bound series stay bound. */
  reset(): void {
    for (const series of this.#series.values()) {
      series.counts.fill(0);
      series.sum = 0;
      series.count = 0;
    }
  }

  async get(): Promise<HistogramObject> {
    const values: HistogramObject['values'] = [];
    const bucket = `${this.name}_bucket`;
    for (const series of this.#series.values()) {
      if (series.count === 0) continue;
      let cumulative = 0;
      this.#upper.forEach((le, i) => {
        cumulative += series.counts[i]!;
        values.push({ labels: { ...series.labels, le }, value: cumulative, metricName: bucket });
      });
      values.push({
        labels: { ...series.labels, le: '+Inf' },
        value: series.count,
        metricName: bucket,
      });
      values.push({ labels: series.labels, value: series.sum, metricName: `${this.name}_sum` });
      values.push({
        labels: series.labels,
        value: series.count,
        metricName: `${this.name}_count`,
      });
    }
    return {
      name: this.name,
      help: this.help,
      type: this.type,
      values,
      aggregator: this.aggregator,
    };
  }
}
