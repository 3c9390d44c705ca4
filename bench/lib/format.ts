/** How bench figures are written: durations with a unit that fits, shares as percentages. */

/** `38 ms`, `1.24 s`, `31.9 s`; `-` when there is no figure. */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return '-';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 10_000) return `${(ms / 1000).toFixed(2)} s`;
  return `${(ms / 1000).toFixed(1)} s`;
}

/** `99.95%`, `99.9%`, `100%`: up to two decimals, so 99.9% and 99.95% stay apart. */
export function formatPercent(share: number): string {
  if (!Number.isFinite(share)) return '-';
  return `${Number((share * 100).toFixed(2))}%`;
}

/** `1.333`: ratios such as attempts per request. */
export function formatRatio(value: number, digits = 3): string {
  return Number.isFinite(value) ? value.toFixed(digits) : '-';
}
