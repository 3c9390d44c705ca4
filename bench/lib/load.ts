/**
 * Drives a bench's load: `requests` calls, started evenly over `durationMs` (an open schedule, so
 * every contender sees the same arrivals whatever its latency), with at most `concurrency` in
 * flight; a call due while the limit is reached starts as soon as one ends. `durationMs: 0`
 * starts them as fast as the limit allows (a closed loop).
 */
import { setTimeout as sleep } from 'node:timers/promises';

export interface LoadOptions {
  requests: number;
  concurrency: number;
  /** The span over which request starts are spread. 0: no pacing. */
  durationMs: number;
}

export interface LoadResult<T> {
  /** In request order. */
  results: T[];
  wallMs: number;
}

export async function runLoad<T>(
  options: LoadOptions,
  call: (index: number) => Promise<T>,
): Promise<LoadResult<T>> {
  const { requests, concurrency, durationMs } = options;
  const results = new Array<T>(requests);
  const gapMs = requests > 0 ? durationMs / requests : 0;
  const started = performance.now();
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < requests; i = next++) {
      const dueMs = started + i * gapMs - performance.now();
      if (dueMs > 1) await sleep(dueMs);
      results[i] = await call(i);
    }
  };
  const workers = Array.from({ length: Math.min(concurrency, requests) }, worker);
  await Promise.all(workers);
  return { results, wallMs: performance.now() - started };
}
