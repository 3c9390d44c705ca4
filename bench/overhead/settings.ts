/**
 * How much load each phase of bench/overhead sends: the default run (about five minutes) and
 * `--quick` (a smoke run of under two minutes, figures rough).
 */

export interface Settings {
  /** Before any measurement, per contender: sequential requests, seconds at 2,000/s, streams. */
  warmUp: { requests: number; openSeconds: number; streams: number };
  /** Concurrency 1: requests measured, after `warmup` unmeasured ones. */
  sequential: { requests: number; warmup: number };
  /**
   * The fixed open-loop rates (requests/s). Each contender runs each rate `rounds` times, the
   * contenders taking turns, each run `seconds` after `warmupSeconds` unmeasured; the figures
   * pool the runs.
   */
  fixed: { rates: readonly number[]; seconds: number; warmupSeconds: number; rounds: number };
  /**
   * The search for the highest sustainable rate: from `startRate`, ×`factor` per step until a
   * step fails the rule (or `capRate`), then `bisections` geometric halvings between the last
   * pass and the first fail. Each step runs `stepSeconds`. The search runs `rounds` times, the
   * contenders taking turns; the figure is the median.
   */
  search: {
    rounds: number;
    startRate: number;
    factor: number;
    capRate: number;
    bisections: number;
    stepSeconds: number;
  };
  /** Streams at concurrency 1 for time to first token. */
  firstToken: { requests: number; warmup: number };
  /** Streams held open at once for the memory figure. */
  memory: { streams: number; openTimeoutMs: number };
  /** Most connections the load generator opens in an open-loop run. */
  connections: number;
}

export const SETTINGS: Readonly<Settings> = Object.freeze({
  warmUp: { requests: 5_000, openSeconds: 2, streams: 300 },
  sequential: { requests: 6_000, warmup: 500 },
  fixed: { rates: [500, 2_000], seconds: 2, warmupSeconds: 0.5, rounds: 3 },
  search: {
    rounds: 3,
    startRate: 1_000,
    factor: 1.5,
    capRate: 40_000,
    bisections: 3,
    stepSeconds: 2,
  },
  firstToken: { requests: 2_000, warmup: 200 },
  memory: { streams: 1_000, openTimeoutMs: 15_000 },
  connections: 256,
});

export const QUICK: Readonly<Settings> = Object.freeze({
  warmUp: { requests: 1_000, openSeconds: 0.5, streams: 50 },
  sequential: { requests: 600, warmup: 200 },
  fixed: { rates: [500, 2_000], seconds: 2, warmupSeconds: 0.5, rounds: 1 },
  search: {
    rounds: 1,
    startRate: 1_000,
    factor: 2,
    capRate: 40_000,
    bisections: 1,
    stepSeconds: 1,
  },
  firstToken: { requests: 200, warmup: 50 },
  memory: { streams: 1_000, openTimeoutMs: 10_000 },
  connections: 256,
});

/**
 * The rule for "sustained": at an offered rate, over one step, at most `maxErrorShare` of the
 * requests fail and the p99 latency, counted from each request's scheduled send time, stays
 * within `maxP99Ms`. Past its capacity a server's queue grows for the whole step, so its p99
 * crosses the bound within a step at a few percent over capacity.
 */
export const SUSTAINED = Object.freeze({ maxErrorShare: 0.001, maxP99Ms: 50 });
