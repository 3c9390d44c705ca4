/**
 * What the resilience bench prints: the preamble (versions, the config breakwater runs with),
 * each drill's setup, the side-by-side table, and the breaker's open periods in the outage drill.
 */
import { VERSION as SDK_VERSION } from 'openai/version';
import { resolveConfig } from '../src/index.ts';
import { formatMs, formatPercent, formatRatio } from './lib/format.ts';
import type { LoadOptions } from './lib/load.ts';
import { renderTable } from './lib/table.ts';
import type { BreakerWatch } from './resilience-breaker-watch.ts';
import { breakwaterConfig, REQUEST, SDK_TIMEOUT_MS } from './resilience-contenders.ts';
import type { BenchScenario } from './resilience-scenarios.ts';
import type { ContenderFigures } from './resilience-targets.ts';

export function printPreamble(
  seed: number,
  serial: boolean,
  inline: boolean,
  virtual: boolean,
): void {
  const policy = resolveConfig(breakwaterConfig('http://127.0.0.1:1', ['openai/m'])).policy;
  console.log(
    `breakwater resilience bench: node ${process.version}, openai SDK ${SDK_VERSION}, simulator seed ${seed}`,
  );
  if (virtual) {
    console.log(
      "VIRTUAL TIME (--virtual): breakwater's rows only, one after another, each engine and an in-process simulator on one manual clock moved 5 ms per turn of the event loop; latency is virtual (the engine's waits and the simulator's latency, to 5 ms), not the machine's",
    );
    console.log(
      "  but an attempt's first-byte and idle timeouts are undici's own real-time timers: a hung attempt no hedge rescues runs to the call's deadline here (a deadline_exceeded failure), where on real time it is retried after the hang timeout (≥ 1 s)",
    );
  } else {
    console.log(
      serial
        ? 'contenders run one after another on one simulator, reset between runs'
        : 'contenders of a drill run at once, each on its own simulator (same scenario, seed and schedule)',
    );
  }
  console.log(
    virtual
      ? 'the simulator runs in the bench process, on the same clock'
      : inline
        ? 'the simulator runs in the bench process (--inline)'
        : 'each simulator runs in a process of its own (`breakwater mock`), as a provider would',
  );
  console.log(
    `every request: non-streaming chat completion, max_tokens ${REQUEST.max_tokens}; latency counts failures too`,
  );
  console.log(
    `openai SDK alone: timeout ${SDK_TIMEOUT_MS} ms; breakwater: new OpenAI({ fetch: client.fetch, maxRetries: 0 })`,
  );
  console.log('breakwater config: the production defaults (no policy set), resolved as:');
  for (const [section, values] of Object.entries(policy)) {
    console.log(`  policy.${section.padEnd(8)} ${JSON.stringify(values)}`);
  }
}

export function printScenario(scenario: BenchScenario, load: LoadOptions): void {
  console.log(`\n== ${scenario.name}: ${scenario.summary} ==`);
  console.log(`simulator: ${JSON.stringify(scenario.simulator)}`);
  for (const spec of scenario.contenders) {
    if (spec.kind !== 'breakwater') continue;
    const config = JSON.stringify(breakwaterConfig('<simulator>', spec.tiers, spec.policy));
    console.log(`${spec.label}: createClient(${config})`);
  }
  const spread = load.durationMs > 0 ? `started over ${load.durationMs / 1000} s` : 'closed loop';
  console.log(
    `load: ${load.requests} requests per contender, ${spread}, ≤ ${load.concurrency} in flight (${scenario.loadNote})`,
  );
}

export function printFigures(figures: readonly ContenderFigures[]): void {
  const header = ['contender', 'requests', 'success', 'attempts', 'per req', 'per ok', 'hedges'];
  header.push('p50');
  header.push('p95', 'p99', 'max', 'wall');
  const rows = figures.map((f) => [
    f.label,
    String(f.requests),
    formatPercent(f.succeeded / f.requests),
    String(f.attempts),
    formatRatio(f.attempts / f.requests),
    formatRatio(f.attempts / f.succeeded),
    f.hedges === undefined ? '-' : String(f.hedges),
    formatMs(f.latency.p50),
    formatMs(f.latency.p95),
    formatMs(f.latency.p99),
    formatMs(f.latency.max),
    formatMs(f.wallMs),
  ]);
  console.log(`\n${renderTable(header, rows)}`);
  console.log(
    '(per req: upstream attempts per request; per ok: per successful request; hedges: hedged attempts breakwater started)',
  );
  console.log('\nupstream attempts by model, failures by cause:');
  for (const f of figures) {
    const byModel = Object.entries(f.attemptsByModel)
      .map(([model, n]) => `${model} ${n}`)
      .join(', ');
    const failures = f.failures.map(([cause, n]) => `${cause} ×${n}`).join(', ') || 'none';
    console.log(`  ${f.label}: ${byModel || 'no attempts'}; failures: ${failures}`);
  }
  const delays = figures.filter((f) => f.hedgeDelay);
  if (delays.length > 0) {
    console.log(
      '\nhedge delay on the primary (delayFactor × its learned p95 to a head, ≥ minDelayMs), sampled every 250 ms:',
    );
    for (const f of delays) {
      const d = f.hedgeDelay!;
      console.log(
        `  ${f.label}: p50 ${formatMs(d.p50)}, p95 ${formatMs(d.p95)}, max ${formatMs(d.max)}`,
      );
    }
  }
  for (const f of figures) if (f.watch) printBreaker(f.watch);
}

function printBreaker(watch: BreakerWatch): void {
  const s = (ms: number) => `+${(ms / 1000).toFixed(1)} s`;
  console.log(`\nbreaker of ${watch.target}, as seen by breakwater's engine events:`);
  console.log(`  ${watch.attemptsBeforeOpen} attempts before it first opened`);
  watch.periods.forEach((p, i) => {
    const parts = [
      `open period ${i + 1}: opened ${s(p.openedAtMs)} for ${formatMs(p.openMs ?? Number.NaN)}`,
    ];
    if (p.halfOpenAtMs !== undefined) parts.push(`half-open ${s(p.halfOpenAtMs)}`);
    parts.push(
      p.endedBy
        ? `${p.endedBy === 'open' ? 'reopened' : 'closed'} ${s(p.endedAtMs!)}`
        : 'still open at the end',
    );
    parts.push(`${p.attempts} attempt${p.attempts === 1 ? '' : 's'} reached the target`);
    console.log(`  ${parts.join('; ')}`);
  });
  if (watch.attemptsWhileClosed > 0)
    console.log(`  ${watch.attemptsWhileClosed} attempts while it was closed again`);
}
