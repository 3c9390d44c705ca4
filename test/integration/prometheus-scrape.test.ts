/**
 * A real Prometheus (Debian's `prometheus` package, which .ci/run installs) scrapes a gateway on
 * 127.0.0.1 with deploy/prometheus/alerts.yml loaded: through its HTTP API the series are there,
 * an alert expression evaluates to the target whose breaker the simulator's faults opened, and
 * the BreakwaterBreakerOpen alert fires. Prometheus runs in a temporary folder on a free port
 * and is stopped at the end. In CI a missing binary fails this test; elsewhere it is skipped.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Stack, startStack } from './gateway-harness.ts';

const PROMETHEUS = '/usr/bin/prometheus';
const RULES = new URL('../../deploy/prometheus/alerts.yml', import.meta.url).pathname;
const present = existsSync(PROMETHEUS);
if (!present && process.env.CI) {
  throw new Error(`${PROMETHEUS} is missing: CI installs Debian's prometheus package (.ci/run)`);
}

/** A port nobody listens on now (Prometheus needs one named up front). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

let stack: Stack;
let prometheus: ChildProcess | undefined;
let dir: string;
let api: string;
let output = '';

interface QueryResult {
  metric: Record<string, string>;
  value: [number, string];
}

async function query(promql: string): Promise<QueryResult[]> {
  const res = await fetch(`${api}/api/v1/query?query=${encodeURIComponent(promql)}`);
  const body = (await res.json()) as { status: string; data: { result: QueryResult[] } };
  expect(body.status).toBe('success');
  return body.data.result;
}

/** Polls `check` until it holds: Prometheus scrapes and evaluates on its own clock. */
async function until<T>(what: string, check: () => Promise<T | undefined>): Promise<T> {
  const limit = Date.now() + 30_000;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > limit) throw new Error(`Prometheus never showed ${what}\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describe.skipIf(!present)('a real Prometheus scraping the gateway', () => {
  beforeAll(async () => {
    stack = await startStack({
      scenario: {
        seed: 2,
        default: { outputTokens: 5 },
        models: { 'gpt-500': { faults: [{ kind: 'status', status: 500, probability: 1 }] } },
      },
      routes: { chat: { tiers: ['openai/gpt-4o-mini'] }, broken: { tiers: ['openai/gpt-500'] } },
      breaker: { failureThreshold: 2, minimumCalls: 2, failureRate: 0.5, openMs: 300_000 },
      logLevel: 'warn',
    });
    for (const model of ['chat', 'chat', 'broken', 'broken', 'broken']) {
      await fetch(`${stack.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model, messages: [{ role: 'user', content: 'Hi' }] }),
      }).then((res) => res.text());
    }
    dir = await mkdtemp(join(tmpdir(), 'bw-prometheus-'));
    const port = await freePort();
    api = `http://127.0.0.1:${port}`;
    const config = {
      global: { scrape_interval: '1s', evaluation_interval: '1s' },
      rule_files: [RULES],
      scrape_configs: [
        { job_name: 'breakwater', static_configs: [{ targets: [new URL(stack.url).host] }] },
      ],
    };
    await writeFile(join(dir, 'prometheus.yml'), JSON.stringify(config));
    prometheus = spawn(
      PROMETHEUS,
      [
        `--config.file=${join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--log.level=warn',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    prometheus.stdout?.on('data', (chunk) => (output += chunk));
    prometheus.stderr?.on('data', (chunk) => (output += chunk));
  }, 30_000);

  afterAll(async () => {
    if (prometheus && prometheus.exitCode === null) {
      const exited = new Promise((resolve) => prometheus!.once('exit', resolve));
      prometheus.kill('SIGTERM');
      await exited;
    }
    await stack?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('finds the series, evaluates an alert expression, and fires the breaker alert', async () => {
    await until('the gateway up', async () => {
      const up = await query('up{job="breakwater"}');
      return up[0]?.value[1] === '1' ? true : undefined;
    });
    const requests = await until('breakwater_requests_total', async () => {
      const r = await query('sum by (route, outcome) (breakwater_requests_total)');
      return r.length >= 2 ? r : undefined;
    });
    const byRoute = Object.fromEntries(requests.map((r) => [r.metric.route, r.metric.outcome]));
    expect(byRoute).toEqual({ chat: 'ok', broken: 'error' });
    for (const name of [
      'breakwater_request_duration_seconds_bucket',
      'breakwater_upstream_attempts_total',
      'breakwater_retries_total',
      'breakwater_breaker_state',
      'breakwater_build_info',
    ]) {
      expect((await query(name)).length, name).toBeGreaterThan(0);
    }
    // The alert's own expression, evaluated by Prometheus.
    const open = await query('max by (target) (max_over_time(breakwater_breaker_state[1m])) >= 2');
    expect(open.map((r) => r.metric.target)).toEqual(['openai/gpt-500']);
    const alert = await until('BreakwaterBreakerOpen firing', async () => {
      const res = await fetch(`${api}/api/v1/alerts`);
      const body = (await res.json()) as {
        data: { alerts: { labels: Record<string, string>; state: string }[] };
      };
      return body.data.alerts.find(
        (a) => a.labels.alertname === 'BreakwaterBreakerOpen' && a.state === 'firing',
      );
    });
    expect(alert.labels).toMatchObject({ target: 'openai/gpt-500', severity: 'critical' });
    const rules = (await (await fetch(`${api}/api/v1/rules`)).json()) as {
      data: { groups: { rules: { name: string; health: string }[] }[] };
    };
    const loaded = rules.data.groups.flatMap((g) => g.rules);
    expect(loaded).toHaveLength(6);
    expect(loaded.every((r) => r.health === 'ok')).toBe(true);
  });
});
