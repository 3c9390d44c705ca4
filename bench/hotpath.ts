/**
 * `npm run bench -- hotpath [--rounds N] [--calls N] [--concurrency N] [--warmup N]`
 *
 * CPU per call of breakwater's hot path, in process, against the simulator with zero latency:
 * undici alone, breakwater's engine (`engine.call`), a minimal Fastify route over undici and
 * breakwater's gateway, the latter two through `inject()` (no socket in front). What the engine
 * adds is engine − undici; what the gateway adds is gateway − Fastify route. Each breakwater
 * subject is measured with its telemetry off and again with metrics on (`+metrics`), the latter
 * against the former: what metrics, the status page's figures and spans cost per call. Each measurement
 * runs in a fresh process and the subjects take turns round by round, in a rotating order, so a
 * busy moment on the machine lands on all of them; the table gives the median and the spread.
 *
 * Then, once per subject, the memory allocated per call (garbage included), which does not
 * depend on how busy the machine is: the steadiest figure for a change that allocates less.
 *
 * Made for judging hot-path changes: on a shared 2-core machine the HTTP-level figures of
 * `bench -- overhead` move by a third from run to run, too much to see a change of a few percent.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { GATEWAY_NODE_FLAGS } from '../src/cli/node-flags.ts';
import { BASELINE, SUBJECTS, type SubjectName } from './hotpath/subjects.ts';
import { commandLine, type Flags } from './lib/flags.ts';
import { renderTable } from './lib/table.ts';
import { startSimulator } from './overhead/contenders.ts';

const FLAGS = {
  rounds: { type: 'integer', min: 1, help: 'measurements per subject (default 5)' },
  calls: { type: 'integer', min: 100, help: 'measured calls per measurement (default 20000)' },
  concurrency: { type: 'integer', min: 1, help: 'calls in flight at once (default 16)' },
  warmup: { type: 'integer', min: 0, help: 'unmeasured calls first (default 5000)' },
  help: { type: 'boolean', help: 'this text' },
} as const;

interface Sample {
  cpuUs: number;
  wallUs: number;
}

interface AllocSample {
  allocKb: number;
}

const WORKER = join(import.meta.dirname, 'hotpath', 'worker.ts');
const SCENARIO = join(import.meta.dirname, 'overhead', 'zero-latency.yaml');

/** `+8.2`, `−6.6`: a difference with its sign. */
const signed = (x: number) => (x < 0 ? `−${(-x).toFixed(1)}` : `+${x.toFixed(1)}`);

const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

async function measure<T>(
  name: SubjectName,
  simulator: string,
  f: Required<Omit<Flags<typeof FLAGS>, 'help'>>,
  mode: 'cpu' | 'alloc',
): Promise<T> {
  const args = [...GATEWAY_NODE_FLAGS, WORKER, name, simulator];
  args.push(String(f.warmup), String(f.calls), String(f.concurrency), mode);
  const { stdout } = await promisify(execFile)(process.execPath, args, { timeout: 300_000 });
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as T;
}

async function main(): Promise<number> {
  const given = commandLine('hotpath', FLAGS);
  if (typeof given === 'number') return given;
  const f = {
    rounds: given.rounds ?? 5,
    calls: given.calls ?? 20_000,
    concurrency: given.concurrency ?? 16,
    warmup: given.warmup ?? 5_000,
  };
  console.log(
    `hotpath: ${f.rounds} rounds × ${SUBJECTS.length} subjects, each a fresh process: ` +
      `${f.warmup} calls to warm up, then ${f.calls} measured, ${f.concurrency} at a time. ` +
      `CPU = the process's user + system time per measured call.`,
  );
  const simulator = await startSimulator(SCENARIO, undefined);
  const samples = new Map<SubjectName, Sample[]>(SUBJECTS.map((s) => [s, []]));
  const allocated = new Map<SubjectName, number>();
  try {
    for (let round = 0; round < f.rounds; round++) {
      const order = SUBJECTS.map((_, i) => SUBJECTS[(i + round) % SUBJECTS.length]!);
      for (const name of order) {
        const sample = await measure<Sample>(name, simulator.url, f, 'cpu');
        samples.get(name)!.push(sample);
        console.log(`… round ${round + 1}: ${name} ${sample.cpuUs.toFixed(1)} µs CPU per call`);
      }
    }
    for (const name of SUBJECTS) {
      const { allocKb } = await measure<AllocSample>(name, simulator.url, f, 'alloc');
      allocated.set(name, allocKb);
      console.log(`… allocation: ${name} ${allocKb.toFixed(1)} KB per call`);
    }
  } finally {
    await simulator.stop();
  }

  const cpu = (name: SubjectName) => median(samples.get(name)!.map((s) => s.cpuUs));
  const rows = SUBJECTS.map((name) => {
    const xs = samples.get(name)!.map((s) => s.cpuUs);
    const base = BASELINE[name];
    const added = base === undefined ? '' : signed(cpu(name) - cpu(base));
    const ratio = base === undefined ? '' : `${(cpu(name) / cpu(base)).toFixed(2)}×`;
    const kb = allocated.get(name)!;
    const addedKb = base === undefined ? '' : signed(kb - allocated.get(base)!);
    return [
      name,
      cpu(name).toFixed(1),
      `${Math.min(...xs).toFixed(1)}–${Math.max(...xs).toFixed(1)}`,
      median(samples.get(name)!.map((s) => s.wallUs)).toFixed(1),
      base ?? '',
      added,
      ratio,
      kb.toFixed(1),
      addedKb,
    ];
  });
  console.log(
    `\n${renderTable(
      [
        'subject',
        'CPU µs/call',
        'spread',
        'wall µs/call',
        'baseline',
        'added',
        'ratio',
        'KB alloc/call',
        'added',
      ],
      rows,
    )}`,
  );
  return 0;
}

process.exitCode = await main();
