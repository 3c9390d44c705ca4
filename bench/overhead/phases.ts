/**
 * The measured phases of bench/overhead against the shared simulator: concurrency 1 and time to
 * first token (the contenders taking turns request by request), and fixed open-loop rates (one
 * contender at a time, in rounds). Each returns raw figures; "added" figures are taken against
 * the direct contender when the table is printed.
 */

import { quantile } from '../lib/percentiles.ts';
import { type Contender, PORTKEY_STREAM_HINT } from './contenders.ts';
import { type FixedRate, type Latency, summarize } from './figures.ts';
import type { Generator } from './generator.ts';
import { cpuMs } from './proc-stats.ts';
import type { Settings } from './settings.ts';

/**
 * Sequential requests, one in flight, the contenders taking turns request by request (see
 * `ClosedJob`). One figure per contender, in order.
 */
export async function concurrency1(
  gen: Generator,
  contenders: readonly Contender[],
  s: Settings,
): Promise<Latency[]> {
  const results = await gen.closed({
    targets: contenders.map((c) => c.target(false)),
    warmup: s.sequential.warmup,
    requests: s.sequential.requests,
  });
  return results.map((r) => summarize(r.latencyMs, r.errors));
}

/** One open-loop run at a fixed rate, raw, and the CPU the contender's process spent in it. */
export interface RateRun {
  latencyMs: Float64Array;
  lateMs: Float64Array;
  errors: Record<string, number>;
  cpuUsedMs: number;
}

/**
 * An open-loop run at `rate` after a short unmeasured one at the same rate, with the CPU the
 * contender's process spent (the simulator's, for the direct contender).
 */
export async function fixedRateRun(
  gen: Generator,
  contender: Contender,
  rate: number,
  s: Settings,
): Promise<RateRun> {
  const target = contender.target(false);
  const connections = s.connections;
  await gen.open({ target, rate, durationMs: s.fixed.warmupSeconds * 1000, connections });
  const cpuBefore = cpuMs(contender.pid);
  const result = await gen.open({ target, rate, durationMs: s.fixed.seconds * 1000, connections });
  const cpuUsedMs = cpuMs(contender.pid) - cpuBefore;
  return { latencyMs: result.latencyMs, lateMs: result.lateMs, errors: result.errors, cpuUsedMs };
}

/** The figures of several runs at one rate, their requests pooled. */
export function pooled(runs: readonly RateRun[]): FixedRate {
  const latencyMs = Float64Array.from(runs.flatMap((r) => Array.from(r.latencyMs)));
  const late = runs.flatMap((r) => Array.from(r.lateMs)).sort((a, b) => a - b);
  const errors: Record<string, number> = {};
  let cpuUsedMs = 0;
  for (const run of runs) {
    cpuUsedMs += run.cpuUsedMs;
    for (const [kind, n] of Object.entries(run.errors)) errors[kind] = (errors[kind] ?? 0) + n;
  }
  return {
    ...summarize(latencyMs, errors),
    lateP99: quantile(late, 0.99),
    cpuPerRequestUs: (cpuUsedMs * 1000) / Math.max(1, latencyMs.length),
  };
}

/**
 * Sequential streams, the contenders taking turns: time from sending to the first content chunk.
 * One figure per contender, in order.
 */
export async function firstToken(
  gen: Generator,
  contenders: readonly Contender[],
  s: Settings,
): Promise<Latency[]> {
  const results = await gen.firstToken({
    targets: contenders.map((c) => c.target(true)),
    warmup: s.firstToken.warmup,
    requests: s.firstToken.requests,
  });
  return results.map((r) => summarize(r.latencyMs, r.errors));
}

/**
 * Brings a fresh contender to its steady state before anything is measured: connections open,
 * hot code compiled by the JIT, heaps grown. Sequential requests, a burst at a fixed rate, and a
 * few streams.
 */
export async function warmUp(
  gen: Generator,
  contender: Contender,
  s: Settings,
  broken: ReadonlyMap<string, string>,
): Promise<void> {
  if (!broken.has('requests')) {
    const target = contender.target(false);
    const durationMs = s.warmUp.openSeconds * 1000;
    await gen.closed({ targets: [target], warmup: 0, requests: s.warmUp.requests });
    await gen.open({ target, rate: 2_000, durationMs, connections: 64 });
  }
  if (!broken.has('streams')) {
    const targets = [contender.target(true)];
    await gen.firstToken({ targets, warmup: 0, requests: s.warmUp.streams });
  }
}

/** One plain request and one stream, so a contender that cannot serve a phase is named early. */
export async function check(gen: Generator, contender: Contender): Promise<Map<string, string>> {
  const broken = new Map<string, string>();
  const [plain] = await gen.closed({ targets: [contender.target(false)], warmup: 0, requests: 3 });
  const plainErrors = Object.keys(plain!.errors);
  if (plainErrors.length > 0) broken.set('requests', plainErrors.join(', '));
  const [stream] = await gen.firstToken({
    targets: [contender.target(true)],
    warmup: 0,
    requests: 3,
  });
  const streamErrors = Object.keys(stream!.errors);
  if (streamErrors.length > 0) broken.set('streams', streamErrors.join(', '));
  return broken;
}

/** Adds to each failed check the first error line the contender logged, and known causes. */
export function explainFailures(c: Contender, broken: Map<string, string>): Map<string, string> {
  const said = c.output();
  const logged = said
    .split(/[\r\n]/)
    .find((line) => /error/i.test(line))
    ?.trim();
  for (const [what, why] of broken) {
    let reason = logged ? `${why}; it logged "${logged.slice(0, 160)}"` : why;
    if (c.name === 'portkey' && what === 'streams' && said.includes('TypeError: immutable')) {
      reason += ` — ${PORTKEY_STREAM_HINT}`;
    }
    broken.set(what, reason);
  }
  return broken;
}
