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
});
