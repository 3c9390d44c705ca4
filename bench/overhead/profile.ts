/**
 * Reads a V8 CPU profile (`node --cpu-prof`) and sums time per function over a window of it, so
 * the bench can name where a gateway's time goes under load: self time per function, who owns it
 * (breakwater's src/, Node, a package, V8), and for breakwater's own functions also the time of
 * the library and Node code they call that no other breakwater function stands between.
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  /** Microseconds on the monotonic clock (process.hrtime's on Linux). */
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface FunctionTime {
  /** `attempt src/engine/attempt.ts:52` */
  name: string;
  /** `breakwater`, `node`, `native`, `v8`, or a package name. */
  owner: string;
  /** Share of the busy time (idle left out). */
  share: number;
}

export interface ProfileTimes {
  busyMs: number;
  /** Self time per function, highest first. */
  self: FunctionTime[];
  /** breakwater functions: self time plus that of the non-breakwater code they call. */
  ours: FunctionTime[];
  /** Busy time by owner, highest first. */
  owners: [string, number][];
}

const root = relative('/', `${import.meta.dirname}/../..`);

function ownerOf(url: string, name: string): string {
  if (url === '') return name.startsWith('(') ? 'v8' : 'native';
  if (url.startsWith('node:')) return 'node';
  const modules = url.lastIndexOf('/node_modules/');
  if (modules !== -1) {
    const rest = url.slice(modules + '/node_modules/'.length).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  if (url.includes(`${root}/src/`)) return 'breakwater';
  if (url.includes(`${root}/bench/`)) return 'bench';
  return 'other';
}

function nameOf(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  if (url === '') return functionName || '(anonymous)';
  const path = url.startsWith('file://') ? relative(`/${root}`, new URL(url).pathname) : url;
  return `${functionName || '(anonymous)'} ${path}:${lineNumber + 1}`;
}

function ranked(totals: Map<string, { owner: string; us: number }>, busyUs: number) {
  return [...totals]
    .map(([name, { owner, us }]) => ({ name, owner, share: us / Math.max(1, busyUs) }))
    .sort((a, b) => b.share - a.share);
}

/**
 * Times over the samples taken between `fromUs` and `toUs` (monotonic microseconds, as
 * `process.hrtime.bigint() / 1000n`); the whole profile when they are not given.
 */
export function profileTimes(file: string, fromUs = -Infinity, toUs = Infinity): ProfileTimes {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const child of n.children ?? []) parent.set(child, n.id);
  const ownerById = new Map(
    profile.nodes.map((n) => [n.id, ownerOf(n.callFrame.url, n.callFrame.functionName)]),
  );
  /** The nearest breakwater frame at or above a node, by id; cached. */
  const oursById = new Map<number, number | undefined>();
  const nearestOurs = (id: number): number | undefined => {
    if (oursById.has(id)) return oursById.get(id);
    const up = parent.get(id);
    const found =
      ownerById.get(id) === 'breakwater' ? id : up === undefined ? undefined : nearestOurs(up);
    oursById.set(id, found);
    return found;
  };

  const self = new Map<string, { owner: string; us: number }>();
  const ours = new Map<string, { owner: string; us: number }>();
  const owners = new Map<string, number>();
  const add = (map: typeof self, node: ProfileNode, owner: string, us: number) => {
    const name = nameOf(node);
    const entry = map.get(name) ?? { owner, us: 0 };
    entry.us += us;
    map.set(name, entry);
  };
  let at = profile.startTime;
  let busyUs = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    at += profile.timeDeltas[i] ?? 0;
    if (at < fromUs || at > toUs) continue;
    const node = byId.get(profile.samples[i]!);
    if (!node || node.callFrame.functionName === '(idle)') continue;
    // A sample's weight is the gap to the next one: the time it stands for.
    const us = profile.timeDeltas[i + 1] ?? 0;
    busyUs += us;
    const owner = ownerById.get(node.id)!;
    add(self, node, owner, us);
    owners.set(owner, (owners.get(owner) ?? 0) + us);
    const mine = nearestOurs(node.id);
    if (mine !== undefined) add(ours, byId.get(mine)!, 'breakwater', us);
  }
  return {
    busyMs: busyUs / 1000,
    self: ranked(self, busyUs),
    ours: ranked(ours, busyUs),
    owners: [...owners]
      .map(([owner, us]) => [owner, us / Math.max(1, busyUs)] as [string, number])
      .sort((a, b) => b[1] - a[1]),
  };
}
