/**
 * `npm run bench -- overhead [--quick] [--only LIST] [--cores shared|split] [--profile] [--strict]`
 *
 * What a gateway adds on the way to a provider: the simulator with zero latency hit directly,
 * through a bare passthrough proxy (node:http + undici, the physical limit of a Node gateway),
 * through breakwater's gateway with its default policies, and through Portkey's open-source
 * gateway — all in one run, each server in its own process. Figures: added p50/p99 latency at
 * concurrency 1 and at fixed open-loop rates, the highest sustainable rate, added time to first
 * token on streams, and memory with 1,000 open streams; then issue 5's targets as PASS/FAIL.
 * `--profile` also runs breakwater under `node --cpu-prof` at 2,000 requests/s and names the
 * functions with the most self time.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeFlags, FlagError, type Flags, parseFlags } from './lib/flags.ts';
import {
  CONTENDER_NAMES,
  type Contender,
  type ContenderName,
  LABELS,
  type Placement,
  startContender,
  startSimulator,
} from './overhead/contenders.ts';
import { type ContenderFigures, emptyFigures } from './overhead/figures.ts';
import { Generator } from './overhead/generator.ts';
import { searchMaxRate } from './overhead/max-rate.ts';
import { measureMemory } from './overhead/memory.ts';
import { check, concurrency1, firstToken, fixedRate, warmUp } from './overhead/phases.ts';
import { watchCpu } from './overhead/proc-stats.ts';
import { canPin } from './overhead/processes.ts';
import { runProfile } from './overhead/profile-run.ts';
import {
  printFigures,
  printPreamble,
  printProfile,
  printStep,
  progress,
} from './overhead/report.ts';
import { QUICK, SETTINGS, type Settings } from './overhead/settings.ts';
import { judge } from './overhead/targets.ts';

const PHASES = ['sequential', 'fixed', 'max', 'first-token', 'memory'] as const;
/** `profile` runs only when asked for: `--profile`, or `--only profile`. */
type Phase = (typeof PHASES)[number] | 'profile';

const FLAGS = {
  quick: {
    type: 'boolean',
    help: 'short runs for a smoke test (about 1.5 minutes; rough figures)',
  },
  only: {
    type: 'string',
    help: `comma-separated phases (${PHASES.join(', ')}, profile) and/or contenders (${CONTENDER_NAMES.join(', ')}); the direct baseline always runs`,
  },
  cores: {
    type: 'string',
    values: ['split', 'shared'],
    help: 'shared (default): nothing pinned, the kernel shares both cores among all processes; split: the server under test alone on core 1 (taskset), load generator and simulator on core 0',
  },
  profile: {
    type: 'boolean',
    help: 'also profile breakwater (node --cpu-prof) at 2,000 requests/s and name its top self-time functions',
  },
  strict: { type: 'boolean', help: 'exit 1 when a target FAILs' },
  help: { type: 'boolean', help: 'this text' },
} as const;

interface Selection {
  phases: Set<Phase>;
  contenders: ContenderName[];
}

function select(only: string | undefined): Selection {
  if (!only) return { phases: new Set(PHASES), contenders: [...CONTENDER_NAMES] };
  const words = only.split(',').map((w) => w.trim());
  const phases = new Set<Phase>();
  const named = new Set<ContenderName>();
  for (const word of words) {
    if ((PHASES as readonly string[]).includes(word) || word === 'profile') phases.add(word as Phase);
    else if ((CONTENDER_NAMES as readonly string[]).includes(word))
      named.add(word as ContenderName);
    else {
      throw new FlagError(
        `--only: unknown "${word}" (phases: ${PHASES.join(', ')}, profile; contenders: ${CONTENDER_NAMES.join(', ')})`,
      );
    }
  }
  return {
    phases: phases.size > 0 ? phases : new Set(PHASES),
    contenders: CONTENDER_NAMES.filter((n) => n === 'direct' || named.size === 0 || named.has(n)),
  };
}

function placementFor(cores: string | undefined): Placement & { description: string } {
  const split = cores === 'split';
  if (split && !canPin()) throw new FlagError('--cores split needs taskset (util-linux)');
  const n = cpus().length;
  if (split && n >= 2) {
    return {
      proxyCpus: '1',
      simulatorCpus: '0',
      description:
        'split — the server under test pinned alone to core 1 (taskset); the load generator and ' +
        'the simulator share core 0. For "direct" the simulator is the server under test, on core 0 ' +
        'with the generator. The bench process itself is idle while a phase runs.',
    };
  }
  return {
    proxyCpus: undefined,
    simulatorCpus: undefined,
    description: `shared — nothing pinned: the kernel spreads the load generator, the simulator and the server under test over ${n} core${n === 1 ? '' : 's'}.`,
  };
}

async function main(): Promise<number> {
  let flags: Flags<typeof FLAGS>;
  let selection: Selection;
  let placement: ReturnType<typeof placementFor>;
  try {
    flags = parseFlags(process.argv.slice(2), FLAGS);
    selection = select(flags.only);
    placement = placementFor(flags.cores);
  } catch (error) {
    if (!(error instanceof FlagError)) throw error;
    console.error(`${error.message}\n\nflags:\n${describeFlags(FLAGS)}`);
    return 2;
  }
  if (flags.help) {
    console.log(`usage: npm run bench -- overhead [flags]\n\nflags:\n${describeFlags(FLAGS)}`);
    return 0;
  }
  const settings: Settings = flags.quick ? QUICK : SETTINGS;
  const dir = mkdtempSync(join(tmpdir(), 'bench-overhead-'));
  const here = import.meta.dirname;
  printPreamble({ settings, placement: placement.description, quick: flags.quick === true });

  const gen = new Generator(placement.simulatorCpus);
  const simulator = await startSimulator(
    join(here, 'overhead/zero-latency.yaml'),
    placement.simulatorCpus,
  );
  const running: Contender[] = [];
  const figures = new Map<ContenderName, ContenderFigures>();
  const { phases } = selection;
  try {
    for (const name of selection.contenders) {
      const contender = await startContender(name, { simulator, placement, dir });
      running.push(contender);
      const f = emptyFigures();
      f.broken = await check(gen, contender);
      figures.set(name, f);
      progress(`warming up: ${LABELS[name]}`);
      await warmUp(gen, contender, settings, f.broken);
      for (const [what, why] of f.broken) {
        progress(`${LABELS[name]}: ${what} fail in the check (${why}); skipped where needed`);
      }
    }
    const pidsFor = (c: Contender): Record<string, number> => ({
      generator: gen.pid,
      simulator: simulator.pid,
      ...(c.name === 'direct' ? {} : { [c.name]: c.pid }),
      bench: process.pid,
    });
    const others = watchCpu({
      bench: process.pid,
      generator: gen.pid,
      simulator: simulator.pid,
      ...Object.fromEntries(running.map((c) => [c.name, c.pid])),
    });

    if (phases.has('sequential')) {
      for (const c of running) {
        if (figures.get(c.name)!.broken.has('requests')) continue;
        progress(`concurrency 1: ${LABELS[c.name]}`);
        figures.get(c.name)!.concurrency1 = await concurrency1(gen, c, settings);
      }
    }
    if (phases.has('fixed')) {
      for (const rate of settings.fixed.rates) {
        for (const c of running) {
          if (figures.get(c.name)!.broken.has('requests')) continue;
          progress(`${rate} requests/s: ${LABELS[c.name]}`);
          figures.get(c.name)!.rates.set(rate, await fixedRate(gen, c, rate, settings));
        }
      }
    }
    if (phases.has('first-token')) {
      for (const c of running) {
        if (figures.get(c.name)!.broken.has('streams')) continue;
        progress(`time to first token: ${LABELS[c.name]}`);
        figures.get(c.name)!.firstToken = await firstToken(gen, c, settings);
      }
    }
    if (phases.has('max')) {
      for (const c of running) {
        if (figures.get(c.name)!.broken.has('requests')) continue;
        progress(`highest sustainable rate: ${LABELS[c.name]}`);
        figures.get(c.name)!.max = await searchMaxRate({
          gen,
          contender: c,
          settings,
          pids: pidsFor(c),
          onStep: (step) => printStep(step),
        });
      }
    }
    const foreign = others.stop();
    await Promise.all(running.splice(0).map((c) => c.stop()));

    if (phases.has('memory')) {
      const slow = await startSimulator(
        join(here, 'overhead/slow-streams.yaml'),
        placement.simulatorCpus,
      );
      try {
        for (const name of selection.contenders) {
          if (name === 'direct' || figures.get(name)!.broken.has('streams')) continue;
          const variants = name === 'breakwater' ? [undefined, 2_048] : [undefined];
          for (const wide of variants) {
            const label = wide ? `${LABELS[name]} (upstream pool ${wide})` : LABELS[name];
            progress(`memory with ${settings.memory.streams} open streams: ${label}`);
            const c = await startContender(name, {
              simulator: slow,
              placement,
              dir,
              ...(wide ? { wideConnections: wide } : {}),
            });
            try {
              const m = await measureMemory(gen, c, settings);
              if (wide) figures.get(name)!.memoryWide = m;
              else figures.get(name)!.memory = m;
            } finally {
              await c.stop();
            }
          }
        }
      } finally {
        await slow.stop();
      }
    }

    printFigures(figures, settings, foreign);
    const verdicts = judge(figures, settings);
    console.log('\ntargets (issue 5):');
    for (const v of verdicts) {
      console.log(
        `  ${v.pass === undefined ? 'n/a ' : v.pass ? 'PASS' : 'FAIL'}  ${v.target}: ${v.figures}`,
      );
    }
    const failed = verdicts.filter((v) => v.pass === false).length;
    const judged = verdicts.filter((v) => v.pass !== undefined).length;
    console.log(`${judged - failed}/${judged} targets met`);

    if (flags.profile || phases.has('profile')) {
      progress('profile: breakwater under node --cpu-prof at 2,000 requests/s');
      const profile = await runProfile({ gen, simulator, placement, dir, settings });
      printProfile(profile);
    }
    return flags.strict && failed > 0 ? 1 : 0;
  } finally {
    await Promise.all(running.map((c) => c.stop()));
    await simulator.stop();
    await gen.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

process.exit(await main());
