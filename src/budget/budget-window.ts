/**
 * Budget windows: calendar days and months in UTC. A window is named by its start
 * (`2026-01-31`, `2026-01`), so spend recorded under an old name is simply not the current
 * window's: a reset needs no timer and cannot leave a stale cached total behind.
 */
import type { BudgetWindowKind } from './budget-events.ts';

export interface BudgetWindow {
  kind: BudgetWindowKind;
  /** `YYYY-MM-DD` or `YYYY-MM`. */
  id: string;
  /** The next window's start, epoch ms. */
  resetsAt: number;
}

export function windowAt(kind: BudgetWindowKind, nowMs: number): BudgetWindow {
  const d = new Date(nowMs);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth();
  const month = `${y}-${String(m + 1).padStart(2, '0')}`;
  if (kind === 'month') return { kind, id: month, resetsAt: Date.UTC(y, m + 1, 1) };
  const day = d.getUTCDate();
  return {
    kind,
    id: `${month}-${String(day).padStart(2, '0')}`,
    resetsAt: Date.UTC(y, m, day + 1),
  };
}
