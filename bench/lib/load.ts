/**
 * Drives a bench's load: `requests` calls, started evenly over `durationMs` (an open schedule, so
 * every contender sees the same arrivals whatever its latency), with at most `concurrency` in
 * flight; a call due while the limit is reached starts as soon as one ends. `durationMs: 0`
 * starts them as fast as the limit allows (a closed loop).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { ManualClock } from '../../src/core/clock.ts';

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

/**
 * The same schedule on a manual clock: calls start at their virtual times (at most `concurrency`
 * in flight) and the clock moves `stepMs` per turn of the event loop, so sockets are read between
 * steps. Latency then counts the engine's decisions and the simulator's latency, not how busy the
 * machine is; `wallMs` is virtual too.
 */
export async function runVirtualLoad<T>(
  options: LoadOptions,
  clock: ManualClock,
  stepMs: number,
  call: (index: number) => Promise<T>,
): Promise<LoadResult<T>> {
  const { requests, concurrency, durationMs } = options;
  const results = new Array<T>(requests);
  const gapMs = requests > 0 ? durationMs / requests : 0;
  const started = clock.now();
  let launched = 0;
  let inFlight = 0;
  let done = 0;
  while (done < requests) {
    while (
      launched < requests &&
      inFlight < concurrency &&
      clock.now() >= started + launched * gapMs
    ) {
      const i = launched++;
      inFlight++;
      void call(i).then((result) => {
        results[i] = result;
        inFlight--;
        done++;
      });
    }
    await clock.advance(stepMs);
    await new Promise((resolve) => setImmediate(resolve));
  }
  return { results, wallMs: clock.now() - started };
}
