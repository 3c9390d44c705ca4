/**
 * Which fault, if any, hits a request: the behaviour's faults for the request's dialect share
 * one uniform draw, so `probability` values add up (three faults at 0.1 fail 30% of requests,
 * never two at once). Also which down window, if any, covers a moment.
 */

import type { Dialect, DownWindow, Fault, FaultStatus } from './scenario.ts';

export function drawFault(
  faults: readonly Fault[],
  dialect: Dialect,
  u: number,
): Fault | undefined {
  let cumulative = 0;
  for (const fault of faults) {
    if (fault.dialect && fault.dialect !== dialect) continue;
    cumulative += fault.probability;
    if (u < cumulative) return fault;
  }
  return undefined;
}

/** The status a down window answers with at `elapsedMs` since start, if one is open. */
export function downStatus(
  windows: readonly DownWindow[],
  elapsedMs: number,
  dialect: Dialect,
): FaultStatus | undefined {
  const s = elapsedMs / 1000;
  const open = windows.find((w) => s >= w.fromS && s < w.toS);
  if (!open) return undefined;
  return open.status ?? (dialect === 'anthropic' ? 529 : 503);
}
