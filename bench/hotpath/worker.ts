/**
 * One measurement in a process of its own (fresh JIT and heap, nothing left by another
 * subject): `worker.ts SUBJECT SIMULATOR_URL WARMUP CALLS CONCURRENCY` warms the subject up, then
 * makes CALLS calls, CONCURRENCY at a time, and prints one JSON line: the process's CPU time
 * (user + system) per call and the wall time per call over the measured calls.
 */
import { SUBJECTS, type SubjectName, startSubject } from './subjects.ts';

const [name, simulator, warmup, calls, concurrency] = process.argv.slice(2);
if (!SUBJECTS.includes(name as SubjectName) || !simulator) {
  throw new Error(`usage: worker.ts ${SUBJECTS.join('|')} URL WARMUP CALLS CONCURRENCY`);
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

await run(Number(warmup));
const cpu0 = process.cpuUsage();
const t0 = performance.now();
await run(Number(calls));
const cpu = process.cpuUsage(cpu0);
const wallMs = performance.now() - t0;
await subject.close();
process.stdout.write(
  `${JSON.stringify({ cpuUs: (cpu.user + cpu.system) / Number(calls), wallUs: (wallMs * 1000) / Number(calls) })}\n`,
);
