/**
 * Memory a client can grow: 10,000 requests, each naming a `provider/model` never seen before,
 * through the gateway to the simulator. What the engine keeps per target (breaker, retry budget,
 * latency, retry policy), the limiter's lanes and the catalog's lookups must stay bounded, and so
 * must `/status`: the targets no route names are summed up there, not listed one by one. The heap
 * (and, loosely, the resident memory) is measured after a full collection, between the first half
 * of the names and the second.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_UNNAMED_TARGETS } from '../../src/engine/target-state.ts';
import { type Stack, startStack } from './gateway-harness.ts';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const NAMES = 10_000;
let stack: Stack;

beforeAll(async () => {
  stack = await startStack({
    listen: false,
    scenario: { seed: 6, default: { outputTokens: 1 } },
    routes: { chat: { tiers: ['openai/gpt-4o-mini'] } },
  });
});

afterAll(async () => {
  await stack.close();
});

async function ask(from: number, to: number): Promise<void> {
  const BATCH = 64;
  for (let i = from; i < to; i += BATCH) {
    const answers = await Promise.all(
      Array.from({ length: Math.min(BATCH, to - i) }, (_, j) =>
        stack.app.inject({
          method: 'POST',
          url: '/v1/chat/completions',
          payload: {
            model: `openai/gpt-unique-${i + j}-${'x'.repeat(40)}`,
            max_tokens: 1,
            messages: [{ role: 'user', content: 'Hi' }],
          },
        }),
      ),
    );
    for (const answer of answers) expect(answer.statusCode).toBe(200);
  }
}

/** Heap and resident memory after a full collection, the harness's own log lines left out. */
function memoryMb(): { heap: number; rss: number } {
  stack.logs.length = 0;
  gc();
  gc();
  const { heapUsed, rss } = process.memoryUsage();
  return { heap: heapUsed / 1_048_576, rss: rss / 1_048_576 };
}

describe(`${NAMES} unique model names`, () => {
  it('leave the target state, the limiter and /status bounded', async () => {
    await ask(0, NAMES / 2);
    const half = memoryMb();
    await ask(NAMES / 2, NAMES);
    const full = memoryMb();

    const engine = stack.app.breakwater.engine;
    // The configured target is kept, plus at most the bound of targets no route names.
    expect([...engine.targets()].length).toBeLessThanOrEqual(MAX_UNNAMED_TARGETS + 1);
    const status = await stack.app.inject({ url: '/status' });
    expect(status.statusCode).toBe(200);
    expect(status.body.length).toBeLessThan(64 * 1024);
    const body = status.json();
    expect(body.targets.map((t: { target: string }) => t.target)).toContain('openai/gpt-4o-mini');
    expect(body.unnamedTargets.tracked).toBeLessThanOrEqual(MAX_UNNAMED_TARGETS);
    // 5,000 more names cost next to nothing once the bounds are reached (each is ~1 KB of state).
    console.info(
      `after ${NAMES / 2} names: heap ${half.heap.toFixed(1)} MB, rss ${half.rss.toFixed(1)} MB; after ${NAMES}: heap ${full.heap.toFixed(1)} MB, rss ${full.rss.toFixed(1)} MB`,
    );
    expect(full.heap - half.heap).toBeLessThan(8);
    // Resident memory keeps pages the heap has freed (it rose by ~35 MB here while the heap
    // stayed flat); unbounded, the state of 5,000 more names added ~150 MB to it.
    expect(full.rss - half.rss).toBeLessThan(96);
  }, 120_000);
});
