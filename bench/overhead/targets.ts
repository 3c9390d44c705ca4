/**
 * Issue 5's targets for breakwater's gateway, judged on one run's figures. A target whose
 * figures are missing (phase not run, contender broken) is `undefined`: neither met nor failed.
 */
import type { ContenderName } from './contenders.ts';
import type { ContenderFigures, Latency, Memory } from './figures.ts';
import { added, ms } from './report.ts';
import type { Settings } from './settings.ts';

export interface Verdict {
  target: string;
  figures: string;
  pass: boolean | undefined;
}

/** Added p99 at concurrency 1 and added time to first token p99, in ms. */
const MAX_ADDED_P99_MS = 0.5;
/** breakwater's added latency at a fixed rate, as a multiple of the bare passthrough's. */
const MAX_ADDED_RATIO = 1.5;
/** breakwater's highest sustainable rate, as a share of the bare passthrough's. */
const MIN_RATE_SHARE = 0.8;
/** RSS growth per 1,000 open streams. */
const MAX_MB_PER_1000_STREAMS = 40;

function verdict(target: string, figures: string, pass: boolean | undefined): Verdict {
  return { target, figures, pass };
}

function known(...values: number[]): boolean {
  return values.every(Number.isFinite);
}

/**
 * The bare passthrough's own figure beside an absolute target, so a bound below what any Node
 * gateway reaches on the machine shows as such.
 */
function passthroughSays(addedMs: number): string {
  if (!Number.isFinite(addedMs)) return '';
  const note = addedMs > MAX_ADDED_P99_MS ? ', over the bound itself' : '';
  return ` (the bare passthrough: ${ms(addedMs)} ms${note})`;
}

function mbPer1000(m: Memory): number {
  return ((m.heldBytes - m.baselineBytes) / 1024 / 1024) * (1000 / Math.max(1, m.open));
}

export function judge(
  figures: ReadonlyMap<ContenderName, ContenderFigures>,
  settings: Settings,
): Verdict[] {
  const get = (n: ContenderName) => figures.get(n);
  const base = get('direct');
  const bw = get('breakwater');
  const pt = get('passthrough');
  const pk = get('portkey');
  const out: Verdict[] = [];
  if (!bw || !base) return out;

  const [, c1p99] = added(bw.concurrency1, base.concurrency1);
  const [, c1p99pt] = added(pt?.concurrency1, base.concurrency1);
  out.push(
    verdict(
      `added p99 at concurrency 1 ≤ ${MAX_ADDED_P99_MS} ms`,
      `${ms(c1p99)} ms${passthroughSays(c1p99pt)}`,
      known(c1p99) ? c1p99 <= MAX_ADDED_P99_MS : undefined,
    ),
  );

  for (const r of settings.fixed.rates) {
    const b = added(bw.rates.get(r), base.rates.get(r));
    const p = added(pt?.rates.get(r), base.rates.get(r));
    (['p50', 'p99'] as const).forEach((q, i) => {
      const mine = b[i]!;
      const theirs = p[i]!;
      // Below the clock's resolution a ratio means nothing: 0.05 ms of slack either way.
      const limit = Math.max(MAX_ADDED_RATIO * theirs, theirs + 0.05);
      out.push(
        verdict(
          `${r} req/s: added ${q} within ${MAX_ADDED_RATIO}× the bare passthrough's`,
          `${ms(mine)} ms vs ${ms(theirs)} ms (${known(mine, theirs) && theirs > 0 ? `${(mine / theirs).toFixed(2)}×` : '-'})`,
          known(mine, theirs) ? mine <= limit : undefined,
        ),
      );
    });
  }

  const bwRate = bw.max?.rate ?? Number.NaN;
  const ptRate = pt?.max?.rate ?? Number.NaN;
  out.push(
    verdict(
      `highest sustainable rate ≥ ${MIN_RATE_SHARE * 100}% of the bare passthrough's`,
      `${Math.round(bwRate)} vs ${Math.round(ptRate)} req/s (${known(bwRate, ptRate) && ptRate > 0 ? `${Math.round((bwRate / ptRate) * 100)}%` : '-'})`,
      known(bwRate, ptRate) ? bwRate >= MIN_RATE_SHARE * ptRate : undefined,
    ),
  );

  const [, ttft99] = added(bw.firstToken, base.firstToken);
  const [, ttft99pt] = added(pt?.firstToken, base.firstToken);
  out.push(
    verdict(
      `added time to first token p99 ≤ ${MAX_ADDED_P99_MS} ms`,
      `${ms(ttft99)} ms${passthroughSays(ttft99pt)}`,
      known(ttft99) ? ttft99 <= MAX_ADDED_P99_MS : undefined,
    ),
  );

  const m = bw.memory;
  if (m) {
    const per = mbPer1000(m);
    const all = m.open >= m.streams;
    out.push(
      verdict(
        `≤ ${MAX_MB_PER_1000_STREAMS} MB per 1,000 open streams`,
        all
          ? `${per.toFixed(1)} MB`
          : `only ${m.open} of ${m.streams} streams open; ${Number.isFinite(per) && m.open > 0 ? `${per.toFixed(1)} MB per 1,000 scaled from them` : 'no figure'}`,
        all ? per <= MAX_MB_PER_1000_STREAMS : false,
      ),
    );
  }

  if (pk) {
    const points: [string, Latency | undefined, Latency | undefined, Latency | undefined][] = [
      ['concurrency 1', bw.concurrency1, pk.concurrency1, base.concurrency1],
      ...settings.fixed.rates.map(
        (r) =>
          [`${r}/s`, bw.rates.get(r), pk.rates.get(r), base.rates.get(r)] as [
            string,
            Latency | undefined,
            Latency | undefined,
            Latency | undefined,
          ],
      ),
      ['first token', bw.firstToken, pk.firstToken, base.firstToken],
    ];
    const compared: string[] = [];
    let pass: boolean | undefined;
    for (const [label, mine, theirs, b] of points) {
      const [m50, m99] = added(mine, b);
      const [t50, t99] = added(theirs, b);
      if (!known(m50, m99, t50, t99)) continue;
      const ok = m50 < t50 && m99 < t99;
      pass = (pass ?? true) && ok;
      compared.push(`${label} ${ms(m99)} vs ${ms(t99)}${ok ? '' : ' ✗'}`);
    }
    out.push(
      verdict(
        'lower added latency than Portkey (p50 and p99, every point measured)',
        compared.length > 0 ? `added p99 ms: ${compared.join('; ')}` : 'no figures',
        pass,
      ),
    );
    const pkRate = pk.max?.rate ?? Number.NaN;
    out.push(
      verdict(
        'higher sustainable rate than Portkey',
        `${Math.round(bwRate)} vs ${Math.round(pkRate)} req/s`,
        known(bwRate, pkRate) ? bwRate > pkRate : undefined,
      ),
    );
  }
  return out;
}
