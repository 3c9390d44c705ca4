/**
 * The figures bench/goodput prints for each side, and the side-by-side table.
 *
 * Each side starts with the simulator's buckets drained (a burst of one bucket's worth, not
 * counted), so what succeeds in the measured run is bounded by the refill alone: at most L·T/60
 * for a per-minute limit L over T seconds. "Successes vs the limit" is the binding dimension's
 * share of that (requests or tokens, whichever is used more), over the whole run — from the
 * draining burst (whose own refill is left to the run) to the last answer.
 */
import type { CallResult } from './goodput-load.ts';
import { renderTable } from './lib/table.ts';

export interface Limits {
  rpm: number;
  tpm: number;
}

export interface Side {
  name: string;
  results: CallResult[];
  /** From the draining burst to the last answer, ms (the refill the run could use). */
  wallMs: number;
  upstreamRequests: number;
  upstream429: number;
  /** Longest wait in breakwater's queue, ms (breakwater only). */
  maxQueueWaitMs?: number;
  deadlineMs: number;
}

const pct = (n: number) => `${(n * 100).toFixed(1)}%`;
const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

export function figures(side: Side, limits: Limits) {
  const ok = side.results.filter((r) => r.ok);
  const minutes = side.wallMs / 60_000;
  const okPerMin = ok.length / minutes;
  const tokensPerMin = ok.reduce((n, r) => n + r.offer.tokens, 0) / minutes;
  const share = Math.max(okPerMin / limits.rpm, tokensPerMin / limits.tpm);
  const latencies = ok.map((r) => r.latencyMs).sort((a, b) => a - b);
  const codes = new Map<string, number>();
  for (const r of side.results) if (!r.ok) codes.set(r.code!, (codes.get(r.code!) ?? 0) + 1);
  return {
    offered: side.results.length,
    ok: ok.length,
    okPerMin,
    tokensPerMin,
    share,
    codes,
    p50: quantile(latencies, 0.5),
    p99: quantile(latencies, 0.99),
    maxLatency: Math.max(0, ...side.results.map((r) => r.latencyMs)),
    pastDeadline: side.results.filter((r) => r.latencyMs > side.deadlineMs + 250).length,
    attempts: side.upstreamRequests,
    r429: side.upstream429,
    r429Share: side.upstreamRequests === 0 ? 0 : side.upstream429 / side.upstreamRequests,
  };
}

export function renderReport(sides: readonly Side[], limits: Limits): string {
  const f = sides.map((s) => figures(s, limits));
  const codes = [...new Set(f.flatMap((x) => [...x.codes.keys()]))].sort();
  const rows: string[][] = [
    ['offered requests', ...f.map((x) => String(x.offered))],
    ['successes', ...f.map((x) => String(x.ok))],
    [
      'successes / min, tokens / min',
      ...f.map((x) => `${x.okPerMin.toFixed(0)}, ${x.tokensPerMin.toFixed(0)}`),
    ],
    ['successes vs the limit (target ≥ 95%)', ...f.map((x) => pct(x.share))],
    ...codes.map((code) => [`failed: ${code}`, ...f.map((x) => String(x.codes.get(code) ?? 0))]),
    ['upstream attempts', ...f.map((x) => String(x.attempts))],
    ['upstream 429s (target < 1% of attempts)', ...f.map((x) => `${x.r429} (${pct(x.r429Share)})`)],
    ['latency of successes p50 / p99', ...f.map((x) => `${secs(x.p50)} / ${secs(x.p99)}`)],
    [
      'slowest call / deadline',
      ...sides.map((s, i) => `${secs(f[i]!.maxLatency)} / ${secs(s.deadlineMs)}`),
    ],
    [
      'max queue wait / deadline',
      ...sides.map((s) =>
        s.maxQueueWaitMs === undefined ? '—' : `${secs(s.maxQueueWaitMs)} / ${secs(s.deadlineMs)}`,
      ),
    ],
    ['calls past their deadline', ...f.map((x) => String(x.pastDeadline))],
  ];
  return renderTable(['', ...sides.map((s) => s.name)], rows);
}
