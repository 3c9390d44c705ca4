/**
 * One measurement in a process of its own (fresh JIT and heap, nothing left by another
 * subject): `worker.ts SUBJECT SIMULATOR_URL WARMUP CALLS CONCURRENCY [cpu|alloc]` warms the
 * subject up, then makes CALLS calls, CONCURRENCY at a time, and prints one JSON line.
 *
 * - `cpu` (default): the process's CPU time (user + system) and the wall time per call.
 * - `alloc`: the bytes allocated per call, garbage included, from V8's sampling heap profiler
 *   (one sample per 256 bytes on average, counting objects the collector has already freed). It
 *   is an estimate, but it does not move with the machine's load as CPU time does; the profiler
 *   slows the calls, so the two are measured in separate processes.
 */
import { Session } from 'node:inspector/promises';
import { SUBJECTS, type SubjectName, startSubject } from './subjects.ts';

interface SamplingNode {
  selfSize: number;
  children: SamplingNode[];
}

const [name, simulator, warmup, calls, concurrency, mode = 'cpu'] = process.argv.slice(2);
if (!SUBJECTS.includes(name as SubjectName) || !simulator || !['cpu', 'alloc'].includes(mode)) {
  throw new Error(
    `usage: worker.ts ${SUBJECTS.join('|')} URL WARMUP CALLS CONCURRENCY [cpu|alloc]`,
  );
}
const subject = await startSubject(name as SubjectName, simulator);

async function run(total: number): Promise<void> {
  let started = 0;
  const lane = async () => {
    while (started < total) {
      started++;
      await subject.call();
    }
  };
  await Promise.all(Array.from({ length: Number(concurrency) }, lane));
}

function bytes(node: SamplingNode): number {
  let sum = node.selfSize;
  for (const child of node.children) sum += bytes(child);
  return sum;
}

await run(Number(warmup));
let result: Record<string, number>;
if (mode === 'alloc') {
  const session = new Session();
  session.connect();
  await session.post('HeapProfiler.startSampling', {
    samplingInterval: 256,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: true,
  });
  await run(Number(calls));
  const { profile } = await session.post('HeapProfiler.stopSampling');
  session.disconnect();
  result = { allocKb: bytes(profile.head as SamplingNode) / Number(calls) / 1024 };
} else {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await run(Number(calls));
  const cpu = process.cpuUsage(cpu0);
  const wallMs = performance.now() - t0;
  result = {
    cpuUs: (cpu.user + cpu.system) / Number(calls),
    wallUs: (wallMs * 1000) / Number(calls),
  };
}
await subject.close();
process.stdout.write(`${JSON.stringify(result)}\n`);
