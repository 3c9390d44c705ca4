import { describe, expect, it } from 'vitest';
import { LatencyTracker } from './latency-tracker.ts';

describe('LatencyTracker', () => {
  it('suggests the ceiling until it has enough samples', () => {
    const tracker = new LatencyTracker({ minSamples: 20 });
    for (let i = 0; i < 19; i++) tracker.record(50);
    expect(tracker.timeoutMs(30_000)).toBe(30_000);
    tracker.record(50);
    expect(tracker.timeoutMs(30_000)).toBe(1000);
  });

  it('suggests a multiple of the p99, within the floor and the ceiling', () => {
    const tracker = new LatencyTracker({ multiplier: 3, floorMs: 500, recomputeEvery: 1 });
    for (let i = 0; i < 100; i++) tracker.record(i < 98 ? 100 : 2000);
    expect(tracker.p99).toBe(2000);
    expect(tracker.timeoutMs(30_000)).toBe(6000);
    expect(tracker.timeoutMs(4000)).toBe(4000);
  });

  it('forgets old samples as the ring turns', () => {
    const tracker = new LatencyTracker({ size: 32, minSamples: 10, recomputeEvery: 1, floorMs: 1 });
    for (let i = 0; i < 32; i++) tracker.record(5000);
    for (let i = 0; i < 32; i++) tracker.record(100);
    expect(tracker.p99).toBe(100);
  });

  it('finds the same p95 and p99 as sorting the kept samples, at every fill and after the ring turns', () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const tracker = new LatencyTracker({ size: 64, minSamples: 1, recomputeEvery: 1, floorMs: 1 });
    const kept: number[] = [];
    for (let i = 0; i < 300; i++) {
      const ms = Math.round(random() * 1000) / (random() < 0.05 ? 0.01 : 1);
      tracker.record(ms);
      kept.push(ms);
      if (kept.length > 64) kept.shift();
      const sorted = [...kept].sort((a, b) => a - b);
      const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
      expect(tracker.p99).toBe(at(0.99));
      expect(tracker.p95).toBe(at(0.95));
    }
  });
});
