/**
 * The fleet sides of bench/goodput (`--fleet`): three `breakwater serve` processes in front of
 * the simulator, sharing one redis-server (started here in a temporary directory) — or, for
 * contrast, each keeping its limits in its own memory, the way a fleet without a shared store
 * enforces the full limit three times over. Calls go round robin over the three.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MockServer } from '../src/mock/index.ts';
import { type RedisServer, startRedisServer } from '../src/store/redis/redis-server.fixture.ts';
import type { Offer } from './goodput-load.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

async function serve(configFile: string): Promise<{ url: string; proc: ChildProcess }> {
  const env = { ...process.env };
  delete env.OPENAI_API_KEY;
  delete env.ANTHROPIC_API_KEY;
  const proc = spawn(
    process.execPath,
    ['src/cli/main.ts', 'serve', '--config', configFile, '--port', '0', '--grace-ms', '500'],
    { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  const url = await new Promise<string>((resolve, reject) => {
    proc.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const found = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stderr);
      if (found) resolve(found[1]!);
    });
    proc.once('exit', (code) => reject(new Error(`gateway exited (${code}): ${stderr}`)));
  });
  return { url, proc };
}

export interface FleetSide {
  send: (offer: Offer) => Promise<{ ok: true } | { ok: false; code: string }>;
  close: () => Promise<void>;
}

/** Three gateways over `mock`, sharing Redis when `shared`, else each on its own memory. */
export async function fleet(
  mock: MockServer,
  options: {
    shared: boolean;
    limits: { rpm: number; tpm: number };
    model: string;
    deadlineMs: number;
  },
): Promise<FleetSide> {
  const dir = mkdtempSync(join(tmpdir(), 'bw-goodput-fleet-'));
  const redis: RedisServer | undefined = options.shared ? await startRedisServer() : undefined;
  const file = join(dir, 'breakwater.json');
  writeFileSync(
    file,
    JSON.stringify({
      providers: { openai: { baseUrl: mock.url, apiKey: 'sk-bench' } },
      limits: { targets: { [`openai/${options.model}`]: options.limits } },
      store: redis ? { redis: { url: redis.url, keyPrefix: 'goodput:' } } : 'memory',
    }),
  );
  const gateways = await Promise.all([serve(file), serve(file), serve(file)]);
  if (redis) {
    // The limits are split by the fleet's size, learned from heartbeats: wait for all three.
    for (;;) {
      const sizes = await Promise.all(
        gateways.map(async (g) => {
          const status = (await (await fetch(`${g.url}/status`)).json()) as {
            store: { fleetSize?: number };
          };
          return status.store.fleetSize;
        }),
      );
      if (sizes.every((n) => n === 3)) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  let next = 0;
  return {
    async send(offer) {
      const gateway = gateways[next++ % gateways.length]!;
      try {
        const res = await fetch(`${gateway.url}/v1/chat/completions`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'x-breakwater-deadline-ms': String(options.deadlineMs),
          },
          body: JSON.stringify({ ...offer.body, model: `openai/${options.model}` }),
        });
        const body = (await res.json()) as { error?: { code?: string; type?: string } };
        if (res.ok) return { ok: true };
        return { ok: false, code: body.error?.code ?? body.error?.type ?? `status_${res.status}` };
      } catch {
        return { ok: false, code: 'connection' };
      }
    },
    async close() {
      await Promise.all(
        gateways.map(
          ({ proc }) =>
            new Promise<void>((resolve) => {
              if (proc.exitCode !== null) return resolve();
              proc.once('exit', () => resolve());
              proc.kill('SIGTERM');
            }),
        ),
      );
      await redis?.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
