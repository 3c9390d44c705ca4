/**
 * The measured phases of bench/overhead, one contender at a time against the shared simulator:
 * concurrency 1, fixed open-loop rates, and time to first token on streams. Each returns raw
 * figures; "added" figures are taken against the direct contender when the table is printed.
 */

import { quantile } from '../lib/percentiles.ts';
import { type Contender, PORTKEY_STREAM_HINT } from './contenders.ts';
import { type FixedRate, type Latency, summarize } from './figures.ts';
import type { Generator } from './generator.ts';
import { cpuMs } from './proc-stats.ts';
import type { Settings } from './settings.ts';

/** Sequential requests, one in flight. */
export async function concurrency1(
  gen: Generator,
  contender: Contender,
  s: Settings,
): Promise<Latency> {
  const result = await gen.closed({
    target: contender.target(false),
    warmup: s.sequential.warmup,
    requests: s.sequential.requests,
  });
  return summarize(result.latencyMs, result.errors);
}

/**
 * An open-loop run at `rate` after a short unmeasured one at the same rate; also the CPU the
 * contender's process spent per request (the simulator's, for the direct contender).
 */
export async function fixedRate(
  gen: Generator,
  contender: Contender,
  rate: number,
  s: Settings,
): Promise<FixedRate> {
  const target = contender.target(false);
  const connections = s.connections;
  await gen.open({ target, rate, durationMs: s.fixed.warmupSeconds * 1000, connections });
  const cpuBefore = cpuMs(contender.pid);
  const result = await gen.open({ target, rate, durationMs: s.fixed.seconds * 1000, connections });
  const cpuUsedMs = cpuMs(contender.pid) - cpuBefore;
  const late = Array.from(result.lateMs).sort((a, b) => a - b);
  return {
    ...summarize(result.latencyMs, result.errors),
    lateP99: quantile(late, 0.99),
    cpuPerRequestUs: (cpuUsedMs * 1000) / result.latencyMs.length,
  };
}

/** Sequential streams: time from sending to the first content chunk. */
export async function firstToken(
  gen: Generator,
  contender: Contender,
  s: Settings,
): Promise<Latency> {
  const result = await gen.firstToken({
    target: contender.target(true),
    warmup: s.firstToken.warmup,
    requests: s.firstToken.requests,
  });
  return summarize(result.latencyMs, result.errors);
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
    await gen.closed({ target, warmup: 0, requests: s.warmUp.requests });
    await gen.open({ target, rate: 2_000, durationMs, connections: 64 });
  }
  if (!broken.has('streams')) {
    await gen.firstToken({ target: contender.target(true), warmup: 0, requests: s.warmUp.streams });
  }
}

/** One plain request and one stream, so a contender that cannot serve a phase is named early. */
export async function check(gen: Generator, contender: Contender): Promise<Map<string, string>> {
  const broken = new Map<string, string>();
  const plain = await gen.closed({ target: contender.target(false), warmup: 0, requests: 3 });
  const plainErrors = Object.keys(plain.errors);
  if (plainErrors.length > 0) broken.set('requests', plainErrors.join(', '));
  const stream = await gen.firstToken({ target: contender.target(true), warmup: 0, requests: 3 });
  const streamErrors = Object.keys(stream.errors);
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
