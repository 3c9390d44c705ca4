/**
 * The targets of each drill — issue 3's, and issue 16's for the tail (hedging, eager failover) —
 * judged from the figures of one run. Each verdict carries the numbers it was decided on, so a
 * FAIL says by how much.
 */
import { formatMs, formatPercent, formatRatio } from './lib/format.ts';
import type { LatencySummary } from './lib/percentiles.ts';
import type { BreakerWatch } from './resilience-breaker-watch.ts';
import { BREAKWATER, type ScenarioName } from './resilience-scenarios.ts';

export interface ContenderFigures {
  label: string;
  kind: 'breakwater' | 'sdk';
  /** For the SDK contenders. */
  maxRetries: number | undefined;
  requests: number;
  succeeded: number;
  /** Upstream attempts, as the simulator counted them. */
  attempts: number;
  attemptsByModel: Record<string, number>;
  latency: LatencySummary;
  wallMs: number;
  /** Failures by cause, most frequent first. */
  failures: [string, number][];
  watch: BreakerWatch | undefined;
  /** Hedged attempts breakwater started (breakwater contenders only). */
  hedges: number | undefined;
  /** The hedge delay on the primary, sampled every 250 ms once learned (hedging on only). */
  hedgeDelay: LatencySummary | undefined;
}

export interface Verdict {
  target: string;
  pass: boolean;
  figures: string;
}

/** "Well below" for the hangs drill: at most half the SDK's p99. */
export const HANGS_P99_SHARE = 0.5;
export const FLAKY_MIN_SUCCESS = 0.999;
export const OUTAGE_MAX_P50_RATIO = 1.5;
/** Sampling noise allowed when comparing attempt counts of two runs. */
export const ATTEMPTS_NOISE = 0.01;
/** Issue 16: hangs — p99, attempts per request; flaky — p99, attempts per request. */
export const HANGS_MAX_P99_MS = 300;
export const HANGS_MAX_ATTEMPTS = 1.1;
export const FLAKY_MAX_P99_MS = 1000;
export const FLAKY_MAX_ATTEMPTS = 1.4;
/** Issue 11: both tiers failing 35% — success, and no caller told circuit_open. */
export const FAILING35_MIN_SUCCESS = 0.99;

const successRate = (f: ContenderFigures) => f.succeeded / f.requests;
const attemptsPerRequest = (f: ContenderFigures) => f.attempts / f.requests;
const attemptsPerSuccess = (f: ContenderFigures) => f.attempts / f.succeeded;

export function judge(scenario: ScenarioName, figures: readonly ContenderFigures[]): Verdict[] {
  const breakwater = figures.find((f) => f.label === BREAKWATER);
  if (!breakwater) return [];
  const sdks = figures.filter((f) => f.kind === 'sdk' && f.maxRetries! > 0);
  switch (scenario) {
    case 'flaky':
      return [
        {
          target: `breakwater succeeds on ≥ ${formatPercent(FLAKY_MIN_SUCCESS)} of requests`,
          pass: successRate(breakwater) >= FLAKY_MIN_SUCCESS,
          figures: `${formatPercent(successRate(breakwater))} (${breakwater.succeeded}/${breakwater.requests})`,
        },
        ...sdks.map((sdk) => ({
          // Attempts per request reward giving up: an SDK that abandons 1% of requests makes
          // fewer attempts. Per *successful* request is the fair count; every client needs
          // 1 / (1 − failure rate) of them, so the two are judged equal within 1% sampling noise.
          target: `breakwater makes no more upstream attempts per successful request than the SDK with maxRetries ${sdk.maxRetries} (±${formatPercent(ATTEMPTS_NOISE)} noise)`,
          pass: attemptsPerSuccess(breakwater) <= attemptsPerSuccess(sdk) * (1 + ATTEMPTS_NOISE),
          figures: `${formatRatio(attemptsPerSuccess(breakwater))} vs ${formatRatio(attemptsPerSuccess(sdk))} per success; per request ${formatRatio(attemptsPerRequest(breakwater))} vs ${formatRatio(attemptsPerRequest(sdk))} (${breakwater.attempts} vs ${sdk.attempts} attempts, ${formatPercent(successRate(breakwater))} vs ${formatPercent(successRate(sdk))} success)`,
        })),
        p99Within(breakwater, FLAKY_MAX_P99_MS),
        attemptsWithin(breakwater, FLAKY_MAX_ATTEMPTS),
      ];
    case 'outage': {
      const reference = figures.find((f) => f.kind === 'sdk' && f.maxRetries === 0);
      const verdicts: Verdict[] = [
        {
          target: 'every breakwater request succeeds',
          pass: breakwater.succeeded === breakwater.requests,
          figures: `${breakwater.succeeded}/${breakwater.requests}`,
        },
      ];
      const watch = breakwater.watch;
      if (watch) {
        const counts = watch.periods.map((p) => p.attempts);
        const probed = watch.periods.some((p) => p.halfOpenAtMs !== undefined);
        verdicts.push({
          target: 'once its breaker is open, the primary gets at most one probe per open period',
          pass: counts.length > 0 && counts.every((n) => n <= 1) && watch.attemptsWhileClosed === 0,
          figures:
            counts.length === 0
              ? 'the breaker never opened'
              : `attempts per open period: ${counts.join(', ')}${probed ? '' : ' (no probe yet: the run ended inside the first open period)'}`,
        });
      }
      if (reference) {
        const ratio = breakwater.latency.p50 / reference.latency.p50;
        verdicts.push({
          target: `breakwater's median latency is within ${OUTAGE_MAX_P50_RATIO}× of the healthy tier's own`,
          pass: ratio <= OUTAGE_MAX_P50_RATIO,
          figures: `p50 ${formatMs(breakwater.latency.p50)} vs ${formatMs(reference.latency.p50)} (${formatRatio(ratio, 2)}×)`,
        });
      }
      return verdicts;
    }
    case 'hangs':
      return [
        {
          target: 'every breakwater request succeeds',
          pass: breakwater.succeeded === breakwater.requests,
          figures: `${breakwater.succeeded}/${breakwater.requests}`,
        },
        p99Within(breakwater, HANGS_MAX_P99_MS),
        attemptsWithin(breakwater, HANGS_MAX_ATTEMPTS),
        ...sdks.map((sdk) => {
          const ratio = breakwater.latency.p99 / sdk.latency.p99;
          return {
            target: `breakwater's p99 latency is well below (≤ ${HANGS_P99_SHARE}×) the SDK's with maxRetries ${sdk.maxRetries}`,
            pass: ratio <= HANGS_P99_SHARE,
            figures: `p99 ${formatMs(breakwater.latency.p99)} vs ${formatMs(sdk.latency.p99)} (${formatRatio(ratio, 2)}×)`,
          };
        }),
      ];
    case 'failing35': {
      const circuitOpen = breakwater.failures
        .filter(([cause]) => cause.includes('circuit_open'))
        .reduce((n, [, count]) => n + count, 0);
      return [
        {
          target: `breakwater succeeds on ≥ ${formatPercent(FAILING35_MIN_SUCCESS)} of requests`,
          pass: successRate(breakwater) >= FAILING35_MIN_SUCCESS,
          figures: `${formatPercent(successRate(breakwater))} (${breakwater.succeeded}/${breakwater.requests}); SDK ${sdks.map((s) => `maxRetries ${s.maxRetries}: ${formatPercent(successRate(s))}`).join(', ')}`,
        },
        {
          target: 'no breakwater caller is answered circuit_open',
          pass: circuitOpen === 0,
          figures: `${circuitOpen} circuit_open of ${breakwater.requests - breakwater.succeeded} failures`,
        },
      ];
    }
    case 'clean':
      return [
        {
          target: 'every breakwater request succeeds',
          pass: breakwater.succeeded === breakwater.requests,
          figures: `${breakwater.succeeded}/${breakwater.requests}`,
        },
        {
          target: 'no hedge fires on a healthy target',
          pass: breakwater.hedges === 0,
          figures: `${breakwater.hedges ?? 'unknown'} hedges in ${breakwater.requests} requests`,
        },
        attemptsWithin(breakwater, 1),
      ];
  }
}

function p99Within(f: ContenderFigures, maxMs: number): Verdict {
  return {
    target: `breakwater's p99 latency is at most ${formatMs(maxMs)}`,
    pass: f.latency.p99 <= maxMs,
    figures: `p99 ${formatMs(f.latency.p99)}`,
  };
}

function attemptsWithin(f: ContenderFigures, max: number): Verdict {
  return {
    target: `breakwater makes at most ${formatRatio(max)} upstream attempts per request`,
    pass: attemptsPerRequest(f) <= max,
    figures: `${formatRatio(attemptsPerRequest(f))} (${f.attempts} attempts, ${f.hedges ?? 0} of them hedges, for ${f.requests} requests)`,
  };
}
