/**
 * The highest rate a contender sustains: open-loop steps at rising offered rates, judged by the
 * SUSTAINED rule (settings.ts). From `startRate` the rate grows by `factor` per step until a step
 * fails; then the gap between the last pass and the first fail is halved geometrically
 * `bisections` times. A failed step is run once more before it counts, so one burst of foreign
 * CPU load on a shared machine does not end the search. Every step's CPU use is recorded.
 */
import type { Contender } from './contenders.ts';
import { errorShare, type MaxRate, type Search, type StepResult, summarize } from './figures.ts';
import type { Generator } from './generator.ts';
import { watchCpu } from './proc-stats.ts';
import { type Settings, SUSTAINED } from './settings.ts';

export interface SearchContext {
  gen: Generator;
  contender: Contender;
  settings: Settings;
  /** The processes whose CPU is counted: label → pid. */
  pids: Record<string, number>;
  /** Called after every step, for progress lines. */
  onStep?: (step: StepResult) => void;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function step(ctx: SearchContext, rate: number): Promise<StepResult> {
  const { gen, contender, settings } = ctx;
  const durationMs = settings.search.stepSeconds * 1000;
  const cpu = watchCpu(ctx.pids);
  const result = await gen.open({
    target: contender.target(false),
    rate,
    durationMs,
    connections: settings.connections,
  });
  const share = cpu.stop();
  const latency = summarize(result.latencyMs, result.errors);
  const pass = errorShare(latency) <= SUSTAINED.maxErrorShare && latency.p99 <= SUSTAINED.maxP99Ms;
  const achieved = (latency.ok * 1000) / result.wallMs;
  // Let a backlog drain before the next step.
  await pause(pass ? 200 : 1_000);
  return { rate, pass, latency, achieved, cpu: share };
}

async function judged(ctx: SearchContext, rate: number, steps: StepResult[]): Promise<boolean> {
  let result = await step(ctx, rate);
  steps.push(result);
  ctx.onStep?.(result);
  if (!result.pass) {
    result = await step(ctx, rate);
    steps.push(result);
    ctx.onStep?.(result);
  }
  return result.pass;
}

export async function searchMaxRate(ctx: SearchContext): Promise<Search> {
  const { startRate, factor, capRate, bisections } = ctx.settings.search;
  const steps: StepResult[] = [];
  let pass = 0;
  let fail = Number.POSITIVE_INFINITY;
  for (let rate = startRate; rate <= capRate; rate = Math.round(rate * factor)) {
    if (!(await judged(ctx, rate, steps))) {
      fail = rate;
      break;
    }
    pass = rate;
  }
  if (Number.isFinite(fail)) {
    let lo = pass || fail / factor;
    for (let i = 0; i < bisections; i++) {
      const mid = Math.round(Math.sqrt(lo * fail));
      if (mid <= lo || mid >= fail) break;
      if (await judged(ctx, mid, steps)) {
        pass = mid;
        lo = mid;
      } else {
        fail = mid;
      }
    }
  }
  const best = steps.filter((s) => s.pass && s.rate === pass).at(-1);
  return { rate: pass, steps, cpu: best?.cpu };
}

/**
 * The median of several searches' rates (the lower middle one for an even count), so one search
 * thrown off by a stall of the machine neither makes nor breaks the figure.
 */
export function medianRate(searches: readonly Search[]): MaxRate {
  const sorted = [...searches].sort((a, b) => a.rate - b.rate);
  const middle = sorted[Math.floor((sorted.length - 1) / 2)]!;
  return { ...middle, searches: [...searches] };
}
