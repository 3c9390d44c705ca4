/**
 * `--profile`: a fresh breakwater gateway under `node --cpu-prof`, driven open-loop at 2,000
 * requests/s against the zero-latency simulator, then stopped with SIGTERM (a clean exit is what
 * writes the profile) and summed up by self time.
 */
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Placement, startContender } from './contenders.ts';
import type { Generator } from './generator.ts';
import type { Started } from './processes.ts';
import { type FunctionTime, profileTimes } from './profile.ts';
import type { Settings } from './settings.ts';

export const PROFILE_RATE = 2_000;

export interface ProfileSummary {
  rate: number;
  seconds: number;
  file: string;
  /** CPU time the gateway used in the measured window. */
  busyMs: number;
  owners: [string, number][];
  /** Self time, any code. */
  top: FunctionTime[];
  /** Self time, breakwater's own functions. */
  oursSelf: FunctionTime[];
  /** breakwater's functions with the library and Node code they call. */
  oursWithCallees: FunctionTime[];
}

export interface ProfileContext {
  gen: Generator;
  simulator: Started;
  placement: Placement;
  /** Where config files go (removed at the end; the profile is kept elsewhere). */
  dir: string;
  settings: Settings;
}

export async function runProfile(ctx: ProfileContext): Promise<ProfileSummary> {
  const profileDir = mkdtempSync(join(tmpdir(), 'bench-overhead-profile-'));
  const c = await startContender('breakwater', {
    simulator: ctx.simulator,
    placement: ctx.placement,
    dir: ctx.dir,
    nodeFlags: ['--cpu-prof', `--cpu-prof-dir=${profileDir}`],
  });
  const seconds = Math.max(5, ctx.settings.fixed.seconds);
  // The profile's clock is the monotonic one process.hrtime reads: only the measured run counts,
  // not the gateway's start-up or warm-up.
  let fromUs = 0;
  let toUs = 0;
  try {
    const target = c.target(false);
    const connections = ctx.settings.connections;
    await ctx.gen.open({ target, rate: PROFILE_RATE, durationMs: 1_000, connections });
    fromUs = Number(process.hrtime.bigint() / 1000n);
    await ctx.gen.open({ target, rate: PROFILE_RATE, durationMs: seconds * 1000, connections });
    toUs = Number(process.hrtime.bigint() / 1000n);
  } finally {
    await c.stop();
  }
  const name = readdirSync(profileDir).find((f) => f.endsWith('.cpuprofile'));
  if (!name) throw new Error(`no .cpuprofile in ${profileDir}: the gateway did not exit cleanly`);
  const file = join(profileDir, name);
  const times = profileTimes(file, fromUs, toUs);
  return {
    rate: PROFILE_RATE,
    seconds,
    file,
    busyMs: times.busyMs,
    owners: times.owners,
    top: times.self.slice(0, 15),
    oursSelf: times.self.filter((f) => f.owner === 'breakwater').slice(0, 12),
    oursWithCallees: times.ours.slice(0, 12),
  };
}

export function printProfile(p: ProfileSummary): void {
  const pct = (share: number) => `${(share * 100).toFixed(1)}%`;
  const cpu = p.busyMs / 1000 / p.seconds;
  console.log(
    `\n== profile: breakwater at ${p.rate.toLocaleString('en-US')} req/s for ${p.seconds} s (node --cpu-prof; ${cpu.toFixed(2)} cores busy, ${((p.busyMs / (p.rate * p.seconds)) * 1000).toFixed(0)} µs of CPU per request) ==`,
  );
  console.log(`file: ${p.file}`);
  console.log(`busy time by owner: ${p.owners.map(([o, s]) => `${o} ${pct(s)}`).join(', ')}`);
  const list = (title: string, fs: readonly FunctionTime[], owner: boolean) => {
    console.log(`\n${title}`);
    for (const f of fs) {
      console.log(
        `  ${pct(f.share).padStart(6)}  ${owner ? `${f.owner.padEnd(15)} ` : ''}${f.name}`,
      );
    }
  };
  list('top self time, any code:', p.top, true);
  list("top self time, breakwater's own functions (src/):", p.oursSelf, false);
  list(
    "breakwater's functions with the Node and library code they call (up to the next src/ frame):",
    p.oursWithCallees,
    false,
  );
}
