/**
 * `npm run bench -- fleet-store [--calls 2000]`
 *
 * What sharing state through Redis costs a call, measured against a real redis-server started
 * here (loopback, so the figures are Redis's and the client's own time; a network adds its round
 * trip to each):
 *
 *   - PING: the bare round trip;
 *   - a shared bucket's take, and a charge: one Lua script each (EVALSHA);
 *   - a limiter's acquire + settle with one RPM/TPM lane, in memory and shared through Redis, one
 *     call at a time (latency) and 64 at a time (throughput).
 */
import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import { resolveConfig } from '../src/config/config-resolve.ts';
import { resolveRoute } from '../src/config/config-routes.ts';
import { Deadline } from '../src/core/deadline.ts';
import { emptyUsage } from '../src/dialects/usage.ts';
import { createLimiter, type Limiter } from '../src/limiter/limiter.ts';
import { startRedisServer } from '../src/store/redis/redis-server.fixture.ts';
import { createRedisStore } from '../src/store/redis/redis-store.ts';
import { commandLine } from './lib/flags.ts';
import { quantile } from './lib/percentiles.ts';
import { renderTable } from './lib/table.ts';

const flags = commandLine('fleet-store', {
  calls: { type: 'integer', min: 100, help: 'calls per figure, one at a time (default 2000)' },
  help: { type: 'boolean', help: 'this text' },
});
if (typeof flags === 'number') process.exit(flags);
const calls = flags.calls ?? 2000;

const server = await startRedisServer();
const store = createRedisStore({ url: server.url, keyPrefix: 'bench:', fleetSize: 1 });
await store.ready();
const pingClient = new Redis(server.url);

async function timeEach(n: number, fn: (i: number) => Promise<unknown>): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fn(i);
    times.push((performance.now() - t0) * 1000);
  }
  return times.sort((a, b) => a - b);
}

async function throughput(n: number, width: number, fn: (i: number) => Promise<unknown>) {
  const t0 = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < n) await fn(next++);
    }),
  );
  return n / ((performance.now() - t0) / 1000);
}

const big = 1e12;
const take = {
  name: 'requests',
  capacity: big,
  refillPerMs: big / 60_000,
  seed: big,
  cost: 1,
  need: 1,
};
const config = resolveConfig({ providers: { openai: { apiKey: 'sk-bench' } } }, { env: {} });
const route = resolveRoute(config, 'openai/gpt-4o')!;
const target = route.tiers[0]![0]!;
const body = { model: 'gpt-4o', max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] };
const usage = { ...emptyUsage(), inputTokens: 8, outputTokens: 16 };

async function acquireSettle(limiter: Limiter): Promise<void> {
  const lease = await limiter.acquire({
    target,
    route,
    dialect: 'openai',
    request: body,
    priority: 'normal',
    deadline: Deadline.after(60_000),
    signal: undefined,
    tenant: undefined,
    keyId: undefined,
  });
  lease.settle({ usage });
}

const limits = { 'openai/gpt-4o': { rpm: 1e9, tpm: 1e12 } };
const memory = createLimiter({ targets: limits });
const shared = createLimiter({ targets: limits, fleet: store.fleet });

const rows: string[][] = [];
const row = (name: string, times: number[], perSecond: number | undefined) =>
  rows.push([
    name,
    quantile(times, 0.5).toFixed(0),
    quantile(times, 0.99).toFixed(0),
    perSecond === undefined ? '—' : perSecond.toFixed(0),
  ]);

const client = store.fleet.buckets;
for (let warm = 0; warm < 200; warm++) await store.fleet.buckets.take('warm', Date.now(), [take]);
row('PING', await timeEach(calls, pingOnce), await throughput(calls * 5, 64, pingOnce));
row(
  'bucket take (Lua)',
  await timeEach(calls, () => client.take('a', Date.now(), [take])),
  await throughput(calls * 5, 64, () => client.take('a', Date.now(), [take])),
);
const charge = { ...take, amount: 1 };
row(
  'bucket charge (Lua)',
  await timeEach(calls, () => client.charge('a', Date.now(), [charge])),
  undefined,
);
for (let warm = 0; warm < 200; warm++) await acquireSettle(memory);
row(
  'limiter acquire + settle, memory',
  await timeEach(calls, () => acquireSettle(memory)),
  await throughput(calls * 5, 64, () => acquireSettle(memory)),
);
for (let warm = 0; warm < 200; warm++) await acquireSettle(shared);
row(
  'limiter acquire + settle, Redis',
  await timeEach(calls, () => acquireSettle(shared)),
  await throughput(calls * 5, 64, () => acquireSettle(shared)),
);

async function pingOnce(): Promise<unknown> {
  return pingClient.ping();
}

console.log(
  `fleet-store: redis-server on loopback, ${calls} calls one at a time (µs), then 64 at a time\n`,
);
console.log(renderTable(['', 'p50 µs', 'p99 µs', 'calls / s (64 in flight)'], rows));
pingClient.disconnect();
await store.close();
await server.stop();
