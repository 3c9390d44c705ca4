/**
 * `npm run bench -- resilience [--scenario NAME] [--requests N] [--concurrency C] [--duration S]
 * [--seed N] [--serial] [--inline] [--virtual] [--strict]`
 *
 * breakwater (through `client.fetch`, the OpenAI SDK's own retries off) — with its defaults, and
 * with hedging and eager failover off — against the official OpenAI SDK alone with maxRetries 2
 * and 5, on the simulator drills — flaky, outage, hangs (issue 3) and clean (issue 16) — side by
 * side in one run: success, upstream attempts per request (the simulator's own count), hedges,
 * latency percentiles, and the issues' targets as PASS/FAIL. Real time, real sockets.
 *
 * By default the contenders of a drill run at once, each against its own simulator (same
 * scenario, same seed, same request schedule), so a drill takes as long as its slowest
 * contender; `--serial` runs them one after another on one simulator, reset between runs. Each
 * simulator is a process of its own (resilience-simulator.ts); `--inline` runs it in this one.
 *
 * `--virtual` runs breakwater's rows alone on virtual time: the engine and an in-process
 * simulator share a manual clock, moved a few milliseconds per turn of the event loop, so the
 * figures are the engine's decisions (hedge delay, budget, failover, backoff) and the simulator's
 * latency — not the load of a shared machine. The SDK's timers are real, so it has no row there.
 */
import { loadavg } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { type Clock, ManualClock } from '../src/core/clock.ts';
import { commandLine } from './lib/flags.ts';
import { formatMs } from './lib/format.ts';
import { type LoadOptions, runLoad, runVirtualLoad } from './lib/load.ts';
import { summarizeLatency } from './lib/percentiles.ts';
import { startContender } from './resilience-contenders.ts';
import { printFigures, printPreamble, printScenario } from './resilience-report.ts';
import {
  type BenchScenario,
  type ContenderSpec,
  SCENARIO_NAMES,
  SCENARIOS,
  type ScenarioName,
} from './resilience-scenarios.ts';
import { type BenchSimulator, startSimulator } from './resilience-simulator.ts';
import { type ContenderFigures, judge, type Verdict } from './resilience-targets.ts';

function perDrill(field: keyof BenchScenario['load']): string {
  return `default ${SCENARIO_NAMES.map((name) => `${name} ${SCENARIOS[name].load[field]}`).join(', ')}`;
}

const FLAGS = {
  scenario: {
    type: 'string',
    values: [...SCENARIO_NAMES, 'all'],
    help: `${SCENARIO_NAMES.join(' | ')} | all (default all)`,
  },
  requests: { type: 'integer', min: 1, help: `requests per contender (${perDrill('requests')})` },
  concurrency: {
    type: 'integer',
    min: 1,
    help: `most requests in flight per contender (${perDrill('concurrency')})`,
  },
  duration: {
    type: 'number',
    min: 0,
    help: `seconds over which request starts are spread, 0 for a closed loop (${perDrill('durationS')})`,
  },
  seed: { type: 'integer', min: 0, help: "the simulator's seed (default 42)" },
  serial: { type: 'boolean', help: 'run contenders one after another on one simulator' },
  inline: {
    type: 'boolean',
    help: 'run the simulator in the bench process (default: a process of its own per simulator)',
  },
  virtual: {
    type: 'boolean',
    help: "breakwater's rows only, on virtual time: each engine and its simulator share a manual clock (the machine's load out of the figures)",
  },
  strict: { type: 'boolean', help: 'exit 1 when a target FAILs' },
  help: { type: 'boolean', help: 'this text' },
} as const;

const LAG_RESOLUTION_MS = 10;
const HEDGE_DELAY_SAMPLE_MS = 250;
/** Virtual time per turn of the event loop: latencies are read to this step. */
const VIRTUAL_STEP_MS = 5;

/** Calls `fn` every `ms` — of `clock` when given, else of real time — until stopped. */
function every(ms: number, clock: Clock | undefined, fn: () => void): () => void {
  if (!clock) {
    const handle = setInterval(fn, ms);
    return () => clearInterval(handle);
  }
  let stop = () => {};
  const tick = () => {
    fn();
    stop = clock.timer(ms, tick);
  };
  stop = clock.timer(ms, tick);
  return () => stop();
}

async function main(): Promise<number> {
  const flags = commandLine('resilience', FLAGS);
  if (typeof flags === 'number') return flags;
  const seed = flags.seed ?? 42;
  const names =
    !flags.scenario || flags.scenario === 'all' ? SCENARIO_NAMES : [flags.scenario as ScenarioName];
  const inline = flags.inline === true;
  const virtual = flags.virtual === true;
  printPreamble(seed, flags.serial === true, inline, virtual);

  const verdicts: { scenario: string; verdict: Verdict }[] = [];
  for (const name of names) {
    const scenario = SCENARIOS[name];
    const load: LoadOptions = {
      requests: flags.requests ?? scenario.load.requests,
      concurrency: flags.concurrency ?? scenario.load.concurrency,
      durationMs: (flags.duration ?? scenario.load.durationS) * 1000,
    };
    printScenario(scenario, load);
    // Latency figures on a shared machine mean little without the load they were taken under:
    // the bench process's own event-loop delay (every breakwater contender runs in it) and the
    // machine's load average say whether a tail is the engine's or the machine's.
    const lag = monitorEventLoopDelay({ resolution: LAG_RESOLUTION_MS });
    lag.enable();
    const figures = virtual
      ? await runVirtual(scenario, load, seed)
      : await runScenario(scenario, load, seed, flags.serial === true, inline);
    lag.disable();
    printFigures(figures);
    // The histogram holds the time between ticks of a 10 ms timer: lag is what exceeds 10 ms.
    const ns = (n: number) => formatMs(Math.max(0, n / 1e6 - LAG_RESOLUTION_MS));
    console.log(
      `\nmachine: load average ${loadavg()[0]!.toFixed(2)} (1 min, at the end); bench process event-loop lag p50 ${ns(lag.percentile(50))}, p99 ${ns(lag.percentile(99))}, max ${ns(lag.max)}`,
    );
    const judged = judge(scenario.name, figures);
    console.log('\ntargets:');
    for (const verdict of judged) {
      console.log(`  ${verdict.pass ? 'PASS' : 'FAIL'}  ${verdict.target}: ${verdict.figures}`);
      verdicts.push({ scenario: scenario.name, verdict });
    }
  }

  console.log('\n== summary ==');
  for (const { scenario, verdict } of verdicts) {
    console.log(`${verdict.pass ? 'PASS' : 'FAIL'}  ${scenario.padEnd(6)}  ${verdict.target}`);
  }
  const failed = verdicts.filter((v) => !v.verdict.pass).length;
  console.log(`${verdicts.length - failed}/${verdicts.length} targets met`);
  return flags.strict && failed > 0 ? 1 : 0;
}

async function runScenario(
  scenario: BenchScenario,
  load: LoadOptions,
  seed: number,
  serial: boolean,
  inline: boolean,
): Promise<ContenderFigures[]> {
  if (!serial) {
    return Promise.all(
      scenario.contenders.map((spec) => runContender(spec, scenario, load, seed, inline)),
    );
  }
  const mock = await startSimulator(scenario.simulator, seed, inline);
  try {
    const figures: ContenderFigures[] = [];
    for (const spec of scenario.contenders) {
      figures.push(await runContender(spec, scenario, load, seed, inline, mock));
    }
    return figures;
  } finally {
    await mock.close();
  }
}

/**
 * breakwater's contenders one after another, each on a manual clock of its own shared with an
 * in-process simulator, moved `VIRTUAL_STEP_MS` per turn of the event loop.
 */
async function runVirtual(
  scenario: BenchScenario,
  load: LoadOptions,
  seed: number,
): Promise<ContenderFigures[]> {
  const figures: ContenderFigures[] = [];
  for (const spec of scenario.contenders) {
    if (spec.kind !== 'breakwater') continue;
    const clock = new ManualClock(Date.now());
    figures.push(await runContender(spec, scenario, load, seed, true, undefined, clock));
  }
  return figures;
}

async function runContender(
  spec: ContenderSpec,
  scenario: BenchScenario,
  load: LoadOptions,
  seed: number,
  inline: boolean,
  shared?: BenchSimulator,
  clock?: ManualClock,
): Promise<ContenderFigures> {
  const mock = shared ?? (await startSimulator(scenario.simulator, seed, inline, clock));
  const contender = startContender(spec, mock.url, clock);
  try {
    await mock.reset();
    contender.watch?.start();
    const delays: number[] = [];
    const stopSampling = every(HEDGE_DELAY_SAMPLE_MS, clock, () => {
      const ms = contender.hedgeDelayMs?.();
      if (ms !== undefined) delays.push(ms);
    });
    const call = () => contender.call();
    const { results, wallMs } = await (clock
      ? runVirtualLoad(load, clock, VIRTUAL_STEP_MS, call)
      : runLoad(load, call)
    ).finally(stopSampling);
    const stats = await mock.stats();
    const failures = new Map<string, number>();
    for (const r of results) if (r.error) failures.set(r.error, (failures.get(r.error) ?? 0) + 1);
    return {
      label: spec.label,
      kind: spec.kind,
      maxRetries: spec.kind === 'sdk' ? spec.maxRetries : undefined,
      requests: results.length,
      succeeded: results.filter((r) => r.ok).length,
      attempts: stats.total.requests,
      attemptsByModel: Object.fromEntries(
        Object.entries(stats.models).map(([model, counts]) => [model, counts.requests]),
      ),
      latency: summarizeLatency(results.map((r) => r.latencyMs)),
      wallMs,
      failures: [...failures].sort((a, b) => b[1] - a[1]),
      watch: contender.watch,
      hedges: contender.counters?.().hedges,
      hedgeDelay: delays.length > 0 ? summarizeLatency(delays) : undefined,
    };
  } finally {
    await contender.close();
    if (!shared) await mock.close();
  }
}

process.exit(await main());
