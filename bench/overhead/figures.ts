/**
 * The figures bench/overhead collects for each contender, and how raw latencies become them.
 */
import { quantile } from '../lib/percentiles.ts';
import type { CpuShare } from './proc-stats.ts';

export interface Latency {
  p50: number;
  p99: number;
  /** Requests that answered in full. */
  ok: number;
  /** Requests that did not, by kind. */
  errors: Record<string, number>;
}

export interface FixedRate extends Latency {
  /** p99 of how late the generator sent requests after their scheduled time. */
  lateP99: number;
  /** CPU time of the contender's process per request, in microseconds (/proc, 10 ms ticks). */
  cpuPerRequestUs: number;
}

export interface StepResult {
  rate: number;
  pass: boolean;
  latency: Latency;
  /** The achieved rate: answers in full per second of the run. */
  achieved: number;
  cpu: CpuShare;
}

/** One search for the highest sustainable rate. */
export interface Search {
  /** The highest offered rate that met the rule; 0 when none did. */
  rate: number;
  steps: StepResult[];
  /** CPU shares at the highest sustained rate. */
  cpu: CpuShare | undefined;
}

/** The median search (its rate, steps and CPU), and every search in the order they ran. */
export interface MaxRate extends Search {
  searches: Search[];
}

export interface Memory {
  streams: number;
  /** Streams whose first content arrived within the open timeout. */
  open: number;
  failed: number;
  errors: Record<string, number>;
  baselineBytes: number;
  heldBytes: number;
  /** How long it took to open them. */
  openingMs: number;
}

export interface ContenderFigures {
  concurrency1?: Latency;
  /** By offered rate (requests/s). */
  rates: Map<number, FixedRate>;
  max?: MaxRate;
  firstToken?: Latency;
  memory?: Memory;
  /** Why a check failed before the phases (e.g. streams do not work), by phase. */
  broken: Map<string, string>;
}

export function emptyFigures(): ContenderFigures {
  return { rates: new Map(), broken: new Map() };
}

/** p50/p99 of the finite entries (NaN marks a failed request); failures are counted apart. */
export function summarize(latencyMs: Float64Array, errors: Record<string, number>): Latency {
  const ok = Array.from(latencyMs.filter(Number.isFinite)).sort((a, b) => a - b);
  return { p50: quantile(ok, 0.5), p99: quantile(ok, 0.99), ok: ok.length, errors };
}

export function errorCount(latency: Latency): number {
  let n = 0;
  for (const count of Object.values(latency.errors)) n += count;
  return n;
}

export function errorShare(latency: Latency): number {
  const failed = errorCount(latency);
  return failed / Math.max(1, failed + latency.ok);
}

/** `status 502 ×3, timeout ×1` */
export function describeErrors(errors: Record<string, number>): string {
  return Object.entries(errors)
    .sort((a, b) => b[1] - a[1])
    .map(([kind, n]) => `${kind} ×${n}`)
    .join(', ');
}
