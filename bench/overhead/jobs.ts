/**
 * What the bench asks of its load generator (a child process, see loadgen.ts) and what it gets
 * back. Latencies travel as Float64Arrays of milliseconds, NaN for a request that failed.
 */

/** Where and what to send: one POST, the same for every request of a job. */
export interface Target {
  /** `http://127.0.0.1:PORT` */
  origin: string;
  path: string;
  headers: Record<string, string>;
  body: string;
}

/**
 * Sequential requests, one in flight: latency from sending to the last byte of the answer. With
 * several targets they take turns, one request each per round (the first of a round moving on by
 * one each time), so every target is measured over the same seconds and a slow spell of the
 * machine falls on all of them alike. One result per target, in the same order.
 */
export interface ClosedJob {
  kind: 'closed';
  targets: Target[];
  /** Unmeasured rounds before the measured ones. */
  warmup: number;
  /** Measured requests per target. */
  requests: number;
}

/**
 * Open loop: `rate` requests/s for `durationMs`, each sent at its scheduled time whatever the
 * earlier ones are doing; latency from the scheduled time, so queueing is never hidden.
 */
export interface OpenJob {
  kind: 'open';
  target: Target;
  rate: number;
  durationMs: number;
  /** Most connections the generator opens. */
  connections: number;
}

/**
 * Sequential streams, one in flight: time to the first content chunk, and to the end. Several
 * targets take turns as in a `ClosedJob`; one result per target.
 */
export interface FirstTokenJob {
  kind: 'first-token';
  targets: Target[];
  warmup: number;
  requests: number;
}

/**
 * Opens `streams` streams at once and holds them: answers `held` once each has delivered its first
 * content chunk (or `openTimeoutMs` passed), then waits for a `release` message and drops them all.
 */
export interface HoldJob {
  kind: 'hold';
  target: Target;
  streams: number;
  openTimeoutMs: number;
}

export type Job = ClosedJob | OpenJob | FirstTokenJob | HoldJob;

export interface LatencyResult {
  /** Per request, in request order; NaN when it failed. */
  latencyMs: Float64Array;
  /** Failures by kind: `status 502`, `timeout`, `ECONNRESET`, … */
  errors: Record<string, number>;
  wallMs: number;
}

export interface OpenResult extends LatencyResult {
  /** How late each request was sent after its scheduled time (the generator's own lag). */
  lateMs: Float64Array;
}

export interface FirstTokenResult extends LatencyResult {
  /** Per stream: from sending to the end of the stream. */
  totalMs: Float64Array;
}

export interface HoldResult {
  /** Streams whose first content chunk arrived within the open timeout. */
  open: number;
  /** Streams that failed before it. */
  failed: number;
  errors: Record<string, number>;
  /** From the first stream sent to the last first chunk. */
  openingMs: number;
}

/** Parent → child. */
export type Command = { id: number; job: Job } | { id: number; release: true };

/** Child → parent. */
export type Reply =
  | {
      id: number;
      ok: true;
      result: LatencyResult[] | OpenResult | FirstTokenResult[] | HoldResult;
    }
  | { id: number; ok: false; error: string };

/** The first content of an OpenAI stream: a delta whose `content` is not empty. */
export const FIRST_CONTENT = /"content":"[^"]/;
