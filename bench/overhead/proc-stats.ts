/**
 * What Linux's /proc says about a process and the machine: resident memory, CPU time used, and
 * the machine's busy time, so a phase can say which process used how much of the two cores and
 * how much went to processes outside the bench (other people's test runs on a shared machine).
 */
import { readFileSync } from 'node:fs';

/** Clock ticks per second of /proc's CPU figures (`getconf CLK_TCK`, 100 on Linux/x86). */
const TICKS_PER_S = 100;

/** Resident set size of `pid` in bytes (`VmRSS` of /proc/PID/status); NaN when unreadable. */
export function rssBytes(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
    return match ? Number(match[1]) * 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

/** CPU time `pid` has used so far (user + system, all threads), in milliseconds; NaN when gone. */
export function cpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces; fields are counted after its closing ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14, 15)
    return (ticks * 1000) / TICKS_PER_S;
  } catch {
    return Number.NaN;
  }
}

export interface MachineCpu {
  /** Busy time of all cores together, in milliseconds. */
  busyMs: number;
  /** Busy + idle time of all cores together, in milliseconds. */
  totalMs: number;
}

/** The machine's CPU time so far (the `cpu` line of /proc/stat). */
export function machineCpu(): MachineCpu {
  const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!;
  const [user, nice, system, idle, iowait, irq, softirq, steal] = line
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number) as number[];
  const idleTicks = idle! + iowait!;
  const busyTicks = user! + nice! + system! + irq! + softirq! + steal!;
  return {
    busyMs: (busyTicks * 1000) / TICKS_PER_S,
    totalMs: ((busyTicks + idleTicks) * 1000) / TICKS_PER_S,
  };
}

/** Cores used by each watched process, and by everything else, over one measured span. */
export interface CpuShare {
  /** Cores used (1 = one core busy the whole span), by label. */
  byProcess: Record<string, number>;
  /** Cores used by processes outside the bench. */
  others: number;
  spanMs: number;
}

/** Starts counting; `stop()` returns each process's share of the span since. */
export function watchCpu(pids: Readonly<Record<string, number>>): { stop(): CpuShare } {
  const started = performance.now();
  const machine = machineCpu();
  const before = Object.fromEntries(Object.entries(pids).map(([k, pid]) => [k, cpuMs(pid)]));
  return {
    stop() {
      const spanMs = performance.now() - started;
      const after = machineCpu();
      const byProcess: Record<string, number> = {};
      let ours = 0;
      for (const [label, pid] of Object.entries(pids)) {
        const used = cpuMs(pid) - before[label]!;
        byProcess[label] = used / spanMs;
        if (Number.isFinite(used)) ours += used;
      }
      const busy = after.busyMs - machine.busyMs;
      return { byProcess, others: Math.max(0, busy - ours) / spanMs, spanMs };
    },
  };
}
