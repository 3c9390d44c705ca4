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
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeFlags, FlagError, type Flags, parseFlags } from './lib/flags.ts';
import {
  type Contender,
  describePortkey,
  PORTKEY_BIN,
  startSimulator,
} from './overhead/contenders.ts';
import { Generator } from './overhead/generator.ts';
import { FLAGS, placementFor, type Selection, select } from './overhead/options.ts';
import { printProfile, runProfile } from './overhead/profile-run.ts';
import { printFigures, printPreamble, printVerdicts, progress } from './overhead/report.ts';
import { runMemory, runPhases, type Session, startAll } from './overhead/session.ts';
import { QUICK, SETTINGS } from './overhead/settings.ts';
import { judge } from './overhead/targets.ts';

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
  const settings = flags.quick ? QUICK : SETTINGS;
  const { phases, contenders } = selection;
  const portkeyBin = flags.portkey ?? PORTKEY_BIN;
  printPreamble({
    settings,
    placement: placement.description,
    quick: flags.quick === true,
    portkey: describePortkey(portkeyBin),
  });

  const dir = mkdtempSync(join(tmpdir(), 'bench-overhead-'));
  const gen = new Generator(placement.simulatorCpus);
  const scenario = join(import.meta.dirname, 'overhead/zero-latency.yaml');
  const simulator = await startSimulator(scenario, placement.simulatorCpus);
  const session: Session = {
    gen,
    simulator,
    placement,
    settings,
    dir,
    portkeyBin,
    figures: new Map(),
  };
  let running: Contender[] = [];
  try {
    running = await startAll(session, contenders);
    const foreign = await runPhases(session, running, phases);
    await Promise.all(running.splice(0).map((c) => c.stop()));
    if (phases.has('memory')) await runMemory(session, contenders);

    printFigures(session.figures, settings, foreign);
    const verdicts = judge(session.figures, settings);
    printVerdicts(verdicts);
    if (flags.profile || phases.has('profile')) {
      progress('profile: breakwater under node --cpu-prof at 2,000 requests/s');
      printProfile(await runProfile({ gen, simulator, placement, dir, settings }));
    }
    return flags.strict && verdicts.some((v) => v.pass === false) ? 1 : 0;
  } finally {
    await Promise.all(running.map((c) => c.stop()));
    await simulator.stop();
    await gen.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

process.exit(await main());
