import { describe, expect, it } from 'vitest';
import { StatsRecorder } from './stats.ts';

describe('StatsRecorder', () => {
  it('counts requests and outcomes per model and in total', () => {
    const stats = new StatsRecorder();
    stats.record('a', 'ok');
    stats.record('a', 'status_429');
    stats.record('b', 'hang');
    expect(stats.snapshot()).toEqual({
      models: { a: { requests: 2, ok: 1, status_429: 1 }, b: { requests: 1, ok: 0, hang: 1 } },
      total: { requests: 3, ok: 1, status_429: 1, hang: 1 },
    });
    stats.reset();
    expect(stats.snapshot()).toEqual({ models: {}, total: { requests: 0, ok: 0 } });
  });
});
