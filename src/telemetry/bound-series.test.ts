import { Counter, Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { BoundCounter, BoundHistogram } from './bound-series.ts';

const BUCKETS = [0.05, 0.1, 0.25, 1, 5];

/** The sample lines of a scrape, sorted: label order and series order aside. */
async function samples(registry: Registry): Promise<string[]> {
  const text = await registry.metrics();
  return text
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const match = /^(\w+)(?:\{(.*)\})? (\S+)$/.exec(line)!;
      const labels = (match[2] ?? '').split(',').filter(Boolean).sort().join(',');
      return `${match[1]}{${labels}} ${match[3]}`;
    })
    .sort();
}

describe('BoundCounter', () => {
  it('adds what a bound cell counted when the counter is read, once', async () => {
    const registry = new Registry();
    const counter = new BoundCounter({
      name: 'calls_total',
      help: 'calls',
      labelNames: ['route', 'outcome'],
      registers: [registry],
    });
    const ok = counter.bind({ route: 'chat', outcome: 'ok' });
    ok.inc();
    ok.inc(2);
    counter.inc({ route: 'chat', outcome: 'error' });
    expect(await samples(registry)).toEqual([
      'calls_total{outcome="error",route="chat"} 1',
      'calls_total{outcome="ok",route="chat"} 3',
    ]);
    // Read again with nothing new: the same totals, not counted twice.
    expect(await samples(registry)).toEqual([
      'calls_total{outcome="error",route="chat"} 1',
      'calls_total{outcome="ok",route="chat"} 3',
    ]);
    ok.inc(0.5);
    expect(await samples(registry)).toContain('calls_total{outcome="ok",route="chat"} 3.5');
  });

  it('drops what prom-client would throw on, so a scrape never fails', async () => {
    const registry = new Registry();
    const counter = new BoundCounter({
      name: 'tokens_total',
      help: 'tokens',
      labelNames: ['type'],
      registers: [registry],
    });
    const cell = counter.bind({ type: 'input' });
    cell.inc(Number.NaN);
    cell.inc(-1);
    cell.inc(Number.POSITIVE_INFINITY);
    cell.inc(4);
    expect(await samples(registry)).toEqual(['tokens_total{type="input"} 4']);
  });

  it('forgets what was pending when reset', async () => {
    const registry = new Registry();
    const counter = new BoundCounter({
      name: 'calls_total',
      help: 'calls',
      labelNames: ['route'],
      registers: [registry],
    });
    const cell = counter.bind({ route: 'chat' });
    cell.inc(5);
    registry.resetMetrics();
    cell.inc();
    expect(await samples(registry)).toEqual(['calls_total{route="chat"} 1']);
  });

  it('is what a prom-client Counter is to the registry', async () => {
    const registry = new Registry();
    const counter = new BoundCounter({ name: 'c_total', help: 'c', registers: [registry] });
    expect(counter).toBeInstanceOf(Counter);
    expect(registry.getSingleMetric('c_total')).toBe(counter);
  });
});

describe('BoundHistogram', () => {
  it("scrapes as prom-client's Histogram does for the same observations", async () => {
    const ours = new Registry();
    const theirs = new Registry();
    const labelNames = ['route', 'outcome'] as const;
    const mine = new BoundHistogram({
      name: 'duration_seconds',
      help: 'duration',
      labelNames,
      buckets: BUCKETS,
      registers: [ours],
    });
    const reference = new Histogram({
      name: 'duration_seconds',
      help: 'duration',
      labelNames: [...labelNames],
      buckets: BUCKETS,
      registers: [theirs],
    });
    const ok = mine.labels({ route: 'chat', outcome: 'ok' });
    const values = [0, 0.05, 0.07, 0.1, 0.3, 1, 4.99, 5, 7, 120];
    for (const v of values) {
      ok.observe(v);
      reference.observe({ route: 'chat', outcome: 'ok' }, v);
    }
    mine.observe({ route: 'chat', outcome: 'error' }, 0.2);
    reference.observe({ route: 'chat', outcome: 'error' }, 0.2);
    expect(await samples(ours)).toEqual(await samples(theirs));
    // As JSON too, prom-client's exemplar slots (always null without exemplars) aside.
    const json = async (registry: Registry) =>
      (await registry.getMetricsAsJSON()).map((metric) => ({
        ...metric,
        values: metric.values.map((v) => ({
          labels: v.labels,
          value: v.value,
          metricName: (v as { metricName?: string }).metricName,
        })),
      }));
    expect(await json(ours)).toEqual(await json(theirs));
    expect((await ours.metrics()).split('\n').slice(0, 2)).toEqual([
      '# HELP duration_seconds duration',
      '# TYPE duration_seconds histogram',
    ]);
  });

  it('gives one series per label set, bound or looked up', async () => {
    const registry = new Registry();
    const histogram = new BoundHistogram({
      name: 'wait_seconds',
      help: 'wait',
      labelNames: ['target'],
      buckets: BUCKETS,
      registers: [registry],
    });
    histogram.labels({ target: 'a' }).observe(0.01);
    histogram.observe({ target: 'a' }, 0.02);
    expect(histogram.labels({ target: 'a' })).toBe(histogram.labels({ target: 'a' }));
    expect(await samples(registry)).toContain('wait_seconds_count{target="a"} 2');
  });

  it('shows a series only once it has an observation, and none after a reset', async () => {
    const registry = new Registry();
    const histogram = new BoundHistogram({
      name: 'wait_seconds',
      help: 'wait',
      labelNames: ['target'],
      buckets: BUCKETS,
      registers: [registry],
    });
    const cell = histogram.labels({ target: 'a' });
    expect(await samples(registry)).toEqual([]);
    cell.observe(Number.NaN);
    expect(await samples(registry)).toEqual([]);
    cell.observe(0.2);
    expect(await samples(registry)).toContain('wait_seconds_sum{target="a"} 0.2');
    registry.resetMetrics();
    expect(await samples(registry)).toEqual([]);
    cell.observe(3);
    expect(await samples(registry)).toContain('wait_seconds_sum{target="a"} 3');
  });
});
