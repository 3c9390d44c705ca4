/**
 * One run of bench/overhead: the contenders started against the shared zero-latency simulator,
 * checked and warmed up, then the phases, then the memory phase on fresh processes. No two
 * contenders are ever loaded at once, so they never compete for the cores. The sequential phases
 * take turns request by request; the open-loop ones run contender after contender, in rounds, so
 * a slow spell of the machine does not fall on one contender alone.
 */
import { join } from 'node:path';
import {
  type Contender,
  type ContenderName,
  LABELS,
  type Placement,
  startContender,
  startSimulator,
} from './contenders.ts';
import { type ContenderFigures, emptyFigures, type Search } from './figures.ts';
import type { Generator } from './generator.ts';
import { medianRate, searchMaxRate } from './max-rate.ts';
import { measureMemory } from './memory.ts';
import type { Phase } from './options.ts';
import {
  check,
  concurrency1,
  explainFailures,
  firstToken,
  fixedRateRun,
  pooled,
  type RateRun,
  warmUp,
} from './phases.ts';
import { type CpuShare, watchCpu } from './proc-stats.ts';
import type { Started } from './processes.ts';
import { printStep, progress } from './report.ts';
import type { Settings } from './settings.ts';

export interface Session {
  gen: Generator;
  simulator: Started;
  placement: Placement;
  settings: Settings;
  /** Where config files go. */
  dir: string;
  portkeyBin: string;
  figures: Map<ContenderName, ContenderFigures>;
}

/** Starts, checks and warms up each contender; one that does not start is marked broken. */
export async function startAll(s: Session, names: readonly ContenderName[]): Promise<Contender[]> {
  const running: Contender[] = [];
  const { gen, simulator, placement, dir, portkeyBin } = s;
  for (const name of names) {
    const f = emptyFigures();
    s.figures.set(name, f);
    let contender: Contender;
    try {
      contender = await startContender(name, { simulator, placement, dir, portkeyBin });
    } catch (error) {
      const why = `did not start: ${String((error as Error).message).split('\n', 1)[0]}`;
      f.broken.set('requests', why);
      f.broken.set('streams', why);
      progress(`${LABELS[name]} ${why}; skipped`);
      continue;
    }
    running.push(contender);
    f.broken = explainFailures(contender, await check(gen, contender));
    for (const [what, why] of f.broken) {
      progress(`${LABELS[name]}: ${what} fail in the check (${why}); skipped where needed`);
    }
    progress(`warming up: ${LABELS[name]}`);
    await warmUp(gen, contender, s.settings, f.broken);
  }
  return running;
}

/**
 * The phases on the shared simulator. Returns the CPU used meanwhile by processes outside the
 * bench (someone else's work on a shared machine skews every figure).
 */
export async function runPhases(
  s: Session,
  running: readonly Contender[],
  phases: ReadonlySet<Phase>,
): Promise<CpuShare> {
  const { gen, settings } = s;
  const ours = { bench: process.pid, generator: gen.pid, simulator: s.simulator.pid };
  const others = watchCpu({ ...ours, ...Object.fromEntries(running.map((c) => [c.name, c.pid])) });
  const able = (needs: 'requests' | 'streams') =>
    running.filter((c) => !s.figures.get(c.name)!.broken.has(needs));
  const rounds = async (
    phase: Phase,
    count: number,
    run: (c: Contender, round: number) => Promise<void>,
  ) => {
    if (!phases.has(phase)) return;
    for (let round = 0; round < count; round++) {
      for (const c of able('requests')) await run(c, round);
    }
  };
  const many = (round: number, count: number) => (count > 1 ? `, round ${round + 1}/${count}` : '');

  if (phases.has('sequential')) {
    const contenders = able('requests');
    progress(`concurrency 1: ${contenders.map((c) => LABELS[c.name]).join(', ')}, taking turns`);
    const figures = await concurrency1(gen, contenders, settings);
    contenders.forEach((c, i) => {
      s.figures.get(c.name)!.concurrency1 = figures[i];
    });
  }
  for (const rate of settings.fixed.rates) {
    const runs = new Map<ContenderName, RateRun[]>();
    await rounds('fixed', settings.fixed.rounds, async (c, round) => {
      progress(`${rate} requests/s: ${LABELS[c.name]}${many(round, settings.fixed.rounds)}`);
      const run = await fixedRateRun(gen, c, rate, settings);
      runs.set(c.name, [...(runs.get(c.name) ?? []), run]);
    });
    for (const [name, r] of runs) s.figures.get(name)!.rates.set(rate, pooled(r));
  }
  if (phases.has('first-token')) {
    const contenders = able('streams');
    progress(
      `time to first token: ${contenders.map((c) => LABELS[c.name]).join(', ')}, taking turns`,
    );
    const figures = await firstToken(gen, contenders, settings);
    contenders.forEach((c, i) => {
      s.figures.get(c.name)!.firstToken = figures[i];
    });
  }
  const searches = new Map<ContenderName, Search[]>();
  await rounds('max', settings.search.rounds, async (c, round) => {
    progress(`highest sustainable rate: ${LABELS[c.name]}${many(round, settings.search.rounds)}`);
    const pids = { ...ours, ...(c.name === 'direct' ? {} : { [c.name]: c.pid }) };
    const search = await searchMaxRate({ gen, contender: c, settings, pids, onStep: printStep });
    searches.set(c.name, [...(searches.get(c.name) ?? []), search]);
  });
  for (const [name, done] of searches) s.figures.get(name)!.max = medianRate(done);
  return others.stop();
}

/**
 * Memory with many open streams, on fresh proxy processes in front of a simulator whose streams
 * stay open.
 */
export async function runMemory(s: Session, names: readonly ContenderName[]): Promise<void> {
  const scenario = join(import.meta.dirname, 'slow-streams.yaml');
  const slow = await startSimulator(scenario, s.placement.simulatorCpus);
  try {
    for (const name of names) {
      const f = s.figures.get(name)!;
      if (name === 'direct' || f.broken.has('streams')) continue;
      progress(`memory with ${s.settings.memory.streams} open streams: ${LABELS[name]}`);
      const c = await startContender(name, {
        simulator: slow,
        placement: s.placement,
        dir: s.dir,
        portkeyBin: s.portkeyBin,
      });
      try {
        f.memory = await measureMemory(s.gen, c, s.settings);
      } finally {
        await c.stop();
      }
    }
  } finally {
    await slow.stop();
  }
}
