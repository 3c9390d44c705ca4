import { describe, expect, it } from 'vitest';
import { HeadLatency } from './head-latency.ts';

describe('HeadLatency', () => {
  it('learns whole answers apart by max_tokens band, and streams apart from both', () => {
    const heads = new HeadLatency();
    for (let i = 0; i < 40; i++) {
      heads.record(false, 200, 100);
      heads.record(false, 4000, 3000);
      heads.record(true, undefined, 400);
    }
    expect(heads.p95(false, 256)).toBe(100);
    expect(heads.p95(false, 1)).toBe(100);
    expect(heads.p95(false, 4096)).toBe(3000);
    expect(heads.p95(true, 4096)).toBe(400);
    // A band with no answers of its own suggests nothing, rather than borrowing another's.
    expect(heads.p95(false, 1024)).toBeUndefined();
    expect(heads.p95(false, undefined)).toBeUndefined();
  });

  it('suggests nothing until a band has 20 answers', () => {
    const heads = new HeadLatency();
    for (let i = 0; i < 19; i++) heads.record(false, 32, 50);
    expect(heads.p95(false, 32)).toBeUndefined();
    heads.record(false, 32, 50);
    expect(heads.p95(false, 32)).toBe(50);
  });
});
