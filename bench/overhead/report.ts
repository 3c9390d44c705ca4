/**
 * What bench/overhead prints: a preamble (machine, how the cores were shared, the load and the
 * rules), progress on stderr, then one table with the contenders side by side, the search
 * ladders and CPU shares, and, with `--profile`, where breakwater's time goes.
 */
import { cpus, loadavg } from 'node:os';
import { formatPercent } from '../lib/format.ts';
import { renderTable } from '../lib/table.ts';
import { CONTENDER_NAMES, type ContenderName, LABELS } from './contenders.ts';
import {
  type ContenderFigures,
  describeErrors,
  errorCount,
  type Latency,
  type Memory,
  type StepResult,
} from './figures.ts';
import type { CpuShare } from './proc-stats.ts';
import { type Settings, SUSTAINED } from './settings.ts';
import type { Verdict } from './targets.ts';

/** `0.214`, `3.10`, `41.2`, `812` (milliseconds, no unit). */
export function ms(value: number): string {
  if (!Number.isFinite(value)) return '-';
  const abs = Math.abs(value);
  if (abs < 1) return value.toFixed(3);
  if (abs < 10) return value.toFixed(2);
  if (abs < 100) return value.toFixed(1);
  return value.toFixed(0);
}

function signed(value: number): string {
  if (!Number.isFinite(value)) return '-';
  return value >= 0 ? `+${ms(value)}` : ms(value);
}

function pair(l: Latency | undefined): string {
  return l ? `${ms(l.p50)} / ${ms(l.p99)}` : '-';
}

/** `+0.120 / +0.310`: p50 and p99 over the direct contender's. */
export function added(l: Latency | undefined, base: Latency | undefined): [number, number] {
  if (!l || !base) return [Number.NaN, Number.NaN];
  return [l.p50 - base.p50, l.p99 - base.p99];
}

function addedPair(l: Latency | undefined, base: Latency | undefined): string {
  if (!l || !base) return '-';
  const [p50, p99] = added(l, base);
  return `${signed(p50)} / ${signed(p99)}`;
}

function mb(bytes: number): string {
  return Number.isFinite(bytes) ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : '-';
}

function rate(value: number): string {
  return Number.isFinite(value) ? Math.round(value).toLocaleString('en-US') : '-';
}

export function progress(line: string): void {
  process.stderr.write(`… ${line}\n`);
}

function cores(share: CpuShare | undefined): string {
  if (!share) return '-';
  const parts = Object.entries(share.byProcess)
    .filter(([label]) => label !== 'bench')
    .map(([label, used]) => `${label} ${used.toFixed(2)}`);
  return `${parts.join(', ')}; outside the bench ${share.others.toFixed(2)}`;
}

export function printStep(step: StepResult): void {
  const errors = errorCount(step.latency);
  progress(
    `  ${rate(step.rate).padStart(6)}/s ${step.pass ? 'pass' : 'FAIL'}  p99 ${ms(step.latency.p99)} ms` +
      `  errors ${errors}  achieved ${rate(step.achieved)}/s  cores: ${cores(step.cpu)}`,
  );
}

export interface Preamble {
  settings: Settings;
  placement: string;
  quick: boolean;
  /** Which Portkey build runs, with versions. */
  portkey: string;
}

export function printPreamble(p: Preamble): void {
  const s = p.settings;
  const cpu = cpus();
  const [one, five] = loadavg();
  console.log(
    [
      `== bench/overhead${p.quick ? ' (--quick: short runs, rough figures)' : ''} ==`,
      `machine: ${cpu.length} × ${cpu[0]?.model ?? 'unknown CPU'}, Node ${process.version}, load average ${one!.toFixed(2)} / ${five!.toFixed(2)} (1 / 5 min) at start`,
      `cores:   ${p.placement}`,
      "load:    a Node load generator in its own process (node:http's keep-alive Agent). Same request to every contender:",
      '         POST /v1/chat/completions, 1 short user message, max_tokens 32; the simulator answers 16 tokens at once',
      '         (bench/overhead/zero-latency.yaml). breakwater: `breakwater serve --config` with one provider (the',
      '         simulator) and the route `chat`, every default policy on, its JSON log lines to /dev/null.',
      `         Portkey: ${p.portkey} --headless, x-portkey-config {provider openai, custom_host simulator/v1}.`,
      `phases:  concurrency 1: ${s.sequential.requests} requests per contender after ${s.sequential.warmup} warm-up, one after another, timed send → last byte;`,
      '         the contenders take turns request by request, so each is measured over the same seconds.',
      `         fixed rates ${s.fixed.rates.join(' and ')} requests/s: open loop for ${s.fixed.seconds} s after ${s.fixed.warmupSeconds} s warm-up, ${s.fixed.rounds} round${s.fixed.rounds === 1 ? '' : 's'} of the contenders`,
      '         taking turns, pooled; every request is sent at its scheduled time whatever the others do and timed',
      '         from that time (no coordinated omission);',
      "         CPU per request: the server process's user + system time (/proc/PID/stat) in that run ÷ requests.",
      `         highest sustainable rate: open-loop steps of ${s.search.stepSeconds} s from ${s.search.startRate}/s, ×${s.search.factor} until one fails, then ${s.search.bisections} geometric`,
      `         bisections; a rate is sustained when ≤ ${formatPercent(SUSTAINED.maxErrorShare)} of its requests fail and p99 from the scheduled time ≤ ${SUSTAINED.maxP99Ms} ms`,
      `         (a failing step is run twice before it counts); ${s.search.rounds} search${s.search.rounds === 1 ? '' : 'es'} per contender, taking turns, the median counts.`,
      `         time to first token: ${s.firstToken.requests} streams (stream: true) per contender, one after another, taking turns,`,
      '         send → first chunk with content.',
      `         memory: a fresh process per proxy before a simulator whose streams stay open (bench/overhead/slow-streams.yaml);`,
      `         RSS (/proc/PID/status) before and with ${s.memory.streams} streams open at once, each having delivered its first content.`,
      '"added" = the contender\'s percentile minus the direct run\'s same percentile. Times in ms.',
      '',
    ].join('\n'),
  );
}

export function printFigures(
  figures: ReadonlyMap<ContenderName, ContenderFigures>,
  settings: Settings,
  foreign: CpuShare,
): void {
  const names = CONTENDER_NAMES.filter((n) => figures.has(n));
  const base = figures.get('direct');
  const header = ['', ...names.map((n) => LABELS[n])];
  const rows: string[][] = [];
  const row = (label: string, cell: (f: ContenderFigures, n: ContenderName) => string) =>
    rows.push([label, ...names.map((n) => cell(figures.get(n)!, n))]);
  const broken = (f: ContenderFigures, what: string, text: string) =>
    f.broken.has(what) ? 'broken' : text;

  row('concurrency 1: p50 / p99', (f) => broken(f, 'requests', pair(f.concurrency1)));
  row('  added p50 / p99', (f, n) =>
    n === 'direct' ? '' : broken(f, 'requests', addedPair(f.concurrency1, base?.concurrency1)),
  );
  for (const r of settings.fixed.rates) {
    row(`${rate(r)} req/s open loop: p50 / p99`, (f) =>
      broken(f, 'requests', pair(f.rates.get(r))),
    );
    row('  added p50 / p99', (f, n) =>
      n === 'direct' ? '' : broken(f, 'requests', addedPair(f.rates.get(r), base?.rates.get(r))),
    );
    row('  failed requests', (f) => {
      const l = f.rates.get(r);
      return l ? String(errorCount(l)) : '-';
    });
  }
  for (const r of settings.fixed.rates) {
    row(`CPU per request at ${rate(r)} req/s (µs)`, (f) => {
      const us = f.rates.get(r)?.cpuPerRequestUs;
      return us === undefined ? '-' : us.toFixed(0);
    });
  }
  row('highest sustainable rate (req/s)', (f) => broken(f, 'requests', rate(f.max?.rate ?? NaN)));
  row('time to first token: p50 / p99', (f) => broken(f, 'streams', pair(f.firstToken)));
  row('  added p50 / p99', (f, n) =>
    n === 'direct' ? '' : broken(f, 'streams', addedPair(f.firstToken, base?.firstToken)),
  );
  row('RSS warmed up, before the streams', (f, n) =>
    n === 'direct' || !f.memory ? 'n/a' : mb(f.memory.baselineBytes),
  );
  row(`RSS growth, ${settings.memory.streams} open streams`, (f, n) =>
    n === 'direct' ? 'n/a' : broken(f, 'streams', memoryCell(f.memory)),
  );
  console.log(`\n${renderTable(header, rows)}`);

  const notes: string[] = [];
  for (const n of names) {
    const f = figures.get(n)!;
    for (const [what, why] of f.broken)
      notes.push(`${LABELS[n]}: ${what} failed the check: ${why}`);
    for (const [r, l] of f.rates) {
      if (errorCount(l) > 0) notes.push(`${LABELS[n]} at ${r}/s: ${describeErrors(l.errors)}`);
    }
    for (const [label, l] of [
      ['concurrency 1', f.concurrency1],
      ['first token', f.firstToken],
    ] as const) {
      if (l && errorCount(l) > 0) notes.push(`${LABELS[n]}, ${label}: ${describeErrors(l.errors)}`);
    }
    const m = f.memory;
    if (m && m.open < m.streams) {
      notes.push(
        `${LABELS[n]}, memory: ${m.open} of ${m.streams} streams delivered content within ${settings.memory.openTimeoutMs / 1000} s` +
          (m.failed > 0 ? `; ${m.failed} failed (${describeErrors(m.errors)})` : ''),
      );
    }
  }
  const lateness = settings.fixed.rates
    .map((r) => `${r}/s ${ms(base?.rates.get(r)?.lateP99 ?? NaN)} ms`)
    .join(', ');
  notes.push(
    `load generator's own send lag, p99 in the direct runs: ${lateness} (part of every open-loop figure)`,
  );
  notes.push(
    `CPU used outside the bench during the latency phases: ${foreign.others.toFixed(2)} cores on average (other people's processes on a shared machine)`,
  );
  console.log(`\nnotes:\n${notes.map((n) => `  - ${n}`).join('\n')}`);

  const ladders = names.filter((n) => figures.get(n)!.max);
  if (ladders.length > 0) {
    console.log(
      '\nhighest-rate search (offered rate: p99 ms, failed requests; ✗ = not sustained):',
    );
    for (const n of ladders) {
      const m = figures.get(n)!.max!;
      const rates = m.searches.map((search) => rate(search.rate)).join(', ');
      if (m.searches.length > 1)
        console.log(`  ${LABELS[n]}: searches ${rates}; median ${rate(m.rate)}`);
      m.searches.forEach((search, i) => {
        const steps = search.steps
          .map(
            (s) =>
              `${rate(s.rate)}: ${ms(s.latency.p99)}, ${errorCount(s.latency)}${s.pass ? '' : ' ✗'}`,
          )
          .join(' | ');
        const label = m.searches.length > 1 ? `    search ${i + 1}` : `  ${LABELS[n]}`;
        console.log(`${label}: ${steps}`);
      });
      console.log(`    cores used at ${rate(m.rate)}/s: ${cores(m.cpu)}`);
    }
  }
}

function memoryCell(m: Memory | undefined): string {
  if (!m) return '-';
  const growth = mb(m.heldBytes - m.baselineBytes);
  return m.open < m.streams ? `${growth} (${m.open} open)` : growth;
}

export function printVerdicts(verdicts: readonly Verdict[]): void {
  console.log('\ntargets (issue 5):');
  for (const v of verdicts) {
    const mark = v.pass === undefined ? 'n/a ' : v.pass ? 'PASS' : 'FAIL';
    console.log(`  ${mark}  ${v.target}: ${v.figures}`);
  }
  const judged = verdicts.filter((v) => v.pass !== undefined);
  const met = judged.filter((v) => v.pass).length;
  console.log(`${met}/${judged.length} targets met`);
}
