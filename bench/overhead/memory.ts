/**
 * Memory with many open streams: a fresh process of the contender, in front of a simulator whose
 * streams stay open (slow-streams.yaml), is warmed up, its resident memory read, then `streams`
 * streams are opened at once and held until each has delivered its first content; the memory is
 * read again, and the streams are dropped. The figure is the growth of the proxy's RSS.
 */

import type { Contender } from './contenders.ts';
import type { Memory } from './figures.ts';
import type { Generator } from './generator.ts';
import { rssBytes } from './proc-stats.ts';
import type { Settings } from './settings.ts';

/** The slow simulator's model that answers at once. */
const WARM_UP_MODEL = 'warm-up';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A few readings `everyMs` apart: the median for a baseline, the highest for a peak. */
async function readings(pid: number, count: number, everyMs: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    if (i > 0) await pause(everyMs);
    out.push(rssBytes(pid));
  }
  return out.sort((a, b) => a - b);
}

export async function measureMemory(
  gen: Generator,
  contender: Contender,
  s: Settings,
): Promise<Memory> {
  await gen.closed({ targets: [contender.target(false, WARM_UP_MODEL)], warmup: 0, requests: 300 });
  await gen.firstToken({
    targets: [contender.target(true, WARM_UP_MODEL)],
    warmup: 0,
    requests: 50,
  });
  await pause(1_000);
  const baseline = await readings(contender.pid, 5, 100);
  const { streams, openTimeoutMs } = s.memory;
  const held = await gen.hold({ target: contender.target(true), streams, openTimeoutMs });
  try {
    await pause(500);
    const peak = await readings(contender.pid, 5, 200);
    return {
      streams,
      open: held.open,
      failed: held.failed,
      errors: held.errors,
      baselineBytes: baseline[2]!,
      heldBytes: peak.at(-1)!,
      openingMs: held.openingMs,
    };
  } finally {
    await gen.release();
  }
}
