/**
 * The simulator a drill runs against, in a process of its own (`breakwater mock`), as a provider
 * is in life: its latency timers then keep their time while the bench process is busy with the
 * contenders, so a contender's tail is what the contender does, not the simulator waiting for a
 * turn of the same event loop. Stats and reset go through the simulator's own HTTP endpoints
 * (`GET /__stats`, `POST /__reset`). `--inline` keeps the old way: `startMock` in this process.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Clock } from '../src/core/clock.ts';
import { type MockStats, type Scenario, startMock } from '../src/mock/index.ts';
import { startServer } from './overhead/processes.ts';

export interface BenchSimulator {
  readonly url: string;
  stats(): Promise<MockStats>;
  reset(): Promise<void>;
  close(): Promise<void>;
}

const CLI = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));

/** `clock` (virtual time) needs `inline`: the simulator's latency runs on the bench's clock. */
export async function startSimulator(
  scenario: Scenario,
  seed: number,
  inline: boolean,
  clock?: Clock,
): Promise<BenchSimulator> {
  if (inline || clock) {
    const mock = await startMock(scenario, { seed, clock });
    return {
      url: mock.url,
      stats: async () => mock.stats(),
      reset: async () => mock.reset(),
      close: () => mock.close(),
    };
  }
  const dir = mkdtempSync(join(tmpdir(), 'bw-resilience-'));
  const file = join(dir, 'scenario.json');
  writeFileSync(file, JSON.stringify(scenario));
  const server = await startServer({
    label: 'simulator',
    args: [CLI, 'mock', '--scenario', file, '--port', '0', '--seed', String(seed)],
    ready: { line: /listening on (http:\/\/\S+)/, stream: 'stdout' },
  }).catch((error: unknown) => {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  });
  return {
    url: server.url,
    stats: async () => (await fetch(`${server.url}/__stats`)).json() as Promise<MockStats>,
    reset: async () => {
      await (await fetch(`${server.url}/__reset`, { method: 'POST' })).arrayBuffer();
    },
    close: async () => {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
