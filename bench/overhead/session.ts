/**
 * One run of bench/overhead: the contenders started against the shared zero-latency simulator,
 * checked and warmed up, then each phase run contender after contender (never two at once, so
 * they never compete for the cores), then the memory phase on fresh processes.
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
import { type ContenderFigures, emptyFigures } from './figures.ts';
import type { Generator } from './generator.ts';
import { searchMaxRate } from './max-rate.ts';
import { measureMemory } from './memory.ts';
import type { Phase } from './options.ts';
import { check, concurrency1, explainFailures, firstToken, fixedRate, warmUp } from './phases.ts';
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
  const each = async (
    phase: Phase,
    needs: 'requests' | 'streams',
    run: (c: Contender, f: ContenderFigures) => Promise<void>,
  ) => {
    if (!phases.has(phase)) return;
    for (const c of running) {
      const f = s.figures.get(c.name)!;
      if (!f.broken.has(needs)) await run(c, f);
    }
  };
  await each('sequential', 'requests', async (c, f) => {
    progress(`concurrency 1: ${LABELS[c.name]}`);
    f.concurrency1 = await concurrency1(gen, c, settings);
  });
  for (const rate of settings.fixed.rates) {
    await each('fixed', 'requests', async (c, f) => {
      progress(`${rate} requests/s: ${LABELS[c.name]}`);
      f.rates.set(rate, await fixedRate(gen, c, rate, settings));
    });
  }
  await each('first-token', 'streams', async (c, f) => {
    progress(`time to first token: ${LABELS[c.name]}`);
    f.firstToken = await firstToken(gen, c, settings);
  });
  await each('max', 'requests', async (c, f) => {
    progress(`highest sustainable rate: ${LABELS[c.name]}`);
    const pids = { ...ours, ...(c.name === 'direct' ? {} : { [c.name]: c.pid }) };
    f.max = await searchMaxRate({ gen, contender: c, settings, pids, onStep: printStep });
  });
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
