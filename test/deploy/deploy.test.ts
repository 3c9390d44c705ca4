/**
 * deploy/: the Prometheus alert rules pass `promtool check rules` and their `promtool test
 * rules` tests, each alert has a test that fires it and one that does not, and every expression
 * of the rules and of the Grafana dashboard is valid PromQL over metrics breakwater really
 * exports. promtool comes from Debian's `prometheus` package (.ci/run installs it); in CI a
 * missing promtool fails here, elsewhere these tests are skipped.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { resolveConfig } from '../../src/config/config-resolve.ts';
import { appInfo } from '../../src/telemetry/app-info.ts';
import { CostMeter } from '../../src/telemetry/cost.ts';
import { Labels } from '../../src/telemetry/labels.ts';
import { Metrics } from '../../src/telemetry/metrics.ts';

const PROMTOOL = '/usr/bin/promtool';
const DEPLOY = new URL('../../deploy/', import.meta.url).pathname;
const RULES = join(DEPLOY, 'prometheus', 'alerts.yml');
const RULE_TESTS = join(DEPLOY, 'prometheus', 'alerts.test.yml');
const DASHBOARD = join(DEPLOY, 'grafana', 'breakwater.json');

const havePromtool = existsSync(PROMTOOL);
if (!havePromtool && process.env.CI) {
  throw new Error(`${PROMTOOL} is missing: CI installs Debian's prometheus package (.ci/run)`);
}
const withPromtool = havePromtool ? it : it.skip;

const promtool = (...args: string[]) =>
  promisify(execFile)(PROMTOOL, args, { cwd: join(DEPLOY, 'prometheus') });

interface RuleFile {
  groups: { rules: { alert?: string; expr: string }[] }[];
}
interface RuleTests {
  tests: { alert_rule_test?: { alertname: string; exp_alerts: unknown[] }[] }[];
}
interface Dashboard {
  panels: { title: string; targets?: { expr: string }[] }[];
  annotations: { list: { expr: string }[] };
}

async function alerts(): Promise<{ alert: string; expr: string }[]> {
  const file = parse(await readFile(RULES, 'utf8')) as RuleFile;
  return file.groups.flatMap((g) => g.rules).filter((r) => r.alert) as never;
}

async function dashboardExprs(): Promise<string[]> {
  const dash = JSON.parse(await readFile(DASHBOARD, 'utf8')) as Dashboard;
  const exprs = dash.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr));
  return [...exprs, ...dash.annotations.list.map((a) => a.expr)];
}

/** The names breakwater exports, and the series names a histogram adds. */
function exportedNames(): Set<string> {
  const config = resolveConfig({ providers: { openai: { apiKey: 'k' } } }, { env: {} });
  const metrics = new Metrics({
    labels: new Labels(config),
    cost: new CostMeter(),
    info: appInfo(config.telemetry),
  });
  const names = new Set<string>();
  for (const metric of metrics.registry.getMetricsAsArray()) {
    names.add(metric.name);
    for (const suffix of ['_bucket', '_sum', '_count']) names.add(metric.name + suffix);
  }
  return names;
}

describe('deploy/prometheus/alerts.yml', () => {
  withPromtool('passes promtool check rules', async () => {
    const { stdout } = await promtool('check', 'rules', RULES);
    expect(stdout).toContain('SUCCESS: 6 rules found');
  });

  withPromtool('passes its promtool tests', async () => {
    const { stdout } = await promtool('test', 'rules', RULE_TESTS);
    expect(stdout).toContain('SUCCESS');
  });

  it('has, for each alert, a test that fires it and one that does not', async () => {
    const tests = parse(await readFile(RULE_TESTS, 'utf8')) as RuleTests;
    const cases = tests.tests.flatMap((t) => t.alert_rule_test ?? []);
    const names = (await alerts()).map((a) => a.alert);
    expect(names).toEqual([
      'BreakwaterClientErrorBurst',
      'BreakwaterServerErrorStreak',
      'BreakwaterPersistentRateLimits',
      'BreakwaterHighLatencyP95',
      'BreakwaterBreakerOpen',
      'BreakwaterBudgetAbove80Percent',
    ]);
    for (const name of names) {
      const mine = cases.filter((c) => c.alertname === name);
      expect(
        mine.some((c) => c.exp_alerts.length > 0),
        `${name} fires in a test`,
      ).toBe(true);
      expect(
        mine.some((c) => c.exp_alerts.length === 0),
        `${name} stays quiet in a test`,
      ).toBe(true);
    }
  });
});

describe('the rules and the dashboard', () => {
  it('use only metrics breakwater exports', async () => {
    const exported = exportedNames();
    const exprs = [...(await alerts()).map((a) => a.expr), ...(await dashboardExprs())];
    const used = new Set(exprs.flatMap((e) => e.match(/\bbreakwater_\w+/g) ?? []));
    expect(used.size).toBeGreaterThan(10);
    for (const name of used) expect(exported, name).toContain(name);
  });

  withPromtool('are valid PromQL (the dashboard’s checked as recording rules)', async () => {
    const exprs = (await dashboardExprs()).map((e) =>
      e.replaceAll('$__rate_interval', '5m').replaceAll('$route', '.*').replaceAll('$target', '.*'),
    );
    const dir = await mkdtemp(join(tmpdir(), 'bw-dash-'));
    try {
      const rules = {
        groups: [
          {
            name: 'dashboard',
            rules: exprs.map((expr, i) => ({ record: `breakwater:dashboard_${i}`, expr })),
          },
        ],
      };
      const file = join(dir, 'dashboard-rules.json');
      await writeFile(file, JSON.stringify(rules));
      const { stdout } = await promtool('check', 'rules', file);
      expect(stdout).toContain(`SUCCESS: ${exprs.length} rules found`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
