/**
 * A fleet as an operator runs one: a real redis-server, the simulator, and N `breakwater serve`
 * processes with one config file pointing them all at the same Redis. Each gateway's log lines
 * (stdout) are kept for the tests to read; `post` sends one chat call to one gateway and says how
 * it ended.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface Gateway {
  readonly url: string;
  readonly proc: ChildProcess;
  /** Every log line so far, parsed. */
  logs(): Record<string, unknown>[];
  status(): Promise<GatewayStatusBody>;
  readyz(): Promise<{ code: number; body: Record<string, unknown> }>;
}

export interface GatewayStatusBody {
  store: { kind: string; state?: string; fleetSize?: number; outages?: number };
  targets: { target: string; breaker: { state: string; openUntil?: number } }[];
  limiter?: { budgets: Record<string, { spentUsd: number }> };
}

export interface Outcome {
  status: number;
  code?: string;
  usage?: { prompt_tokens: number; completion_tokens: number };
}

async function startGateway(configFile: string): Promise<Gateway> {
  const env: Record<string, string | undefined> = { ...process.env };
  for (const name of ['OPENAI_API_KEY', 'ANTHROPIC_API_KEY', 'BREAKWATER_CLIENT_KEYS']) {
    delete env[name];
  }
  const proc = spawn(
    process.execPath,
    ['src/cli/main.ts', 'serve', '--config', configFile, '--port', '0', '--grace-ms', '1000'],
    { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  proc.stdout!.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  const url = await new Promise<string>((resolve, reject) => {
    proc.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const found = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stderr);
      if (found) resolve(found[1]!);
    });
    proc.once('exit', (code) => reject(new Error(`gateway exited (${code}): ${stderr}`)));
  });
  return {
    url,
    proc,
    logs: () =>
      stdout
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>),
    status: async () => (await (await fetch(`${url}/status`)).json()) as GatewayStatusBody,
    readyz: async () => {
      const res = await fetch(`${url}/readyz`);
      return { code: res.status, body: (await res.json()) as Record<string, unknown> };
    },
  };
}

export interface Fleet {
  gateways: Gateway[];
  stop(): Promise<void>;
}

/** Starts `count` gateways on one config (written to a temp file). */
export async function startFleet(count: number, config: object): Promise<Fleet> {
  const dir = mkdtempSync(join(tmpdir(), 'bw-fleet-'));
  const file = join(dir, 'breakwater.json');
  writeFileSync(file, JSON.stringify(config));
  const started = await Promise.allSettled(Array.from({ length: count }, () => startGateway(file)));
  const gateways = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const stop = async () => {
    await Promise.all(
      gateways.map(
        (g) =>
          new Promise<void>((resolve) => {
            if (g.proc.exitCode !== null) return resolve();
            g.proc.once('exit', () => resolve());
            g.proc.kill('SIGTERM');
          }),
      ),
    );
    rmSync(dir, { recursive: true, force: true });
  };
  const failed = started.find((s) => s.status === 'rejected');
  if (failed) {
    await stop();
    throw (failed as PromiseRejectedResult).reason;
  }
  return { gateways, stop };
}

/** One non-streaming chat call through `gateway`. */
export async function post(
  gateway: Gateway,
  body: Record<string, unknown>,
  deadlineMs: number,
): Promise<Outcome> {
  try {
    const res = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-breakwater-deadline-ms': String(deadlineMs),
      },
      body: JSON.stringify(body),
    });
    const json = (await res.json()) as {
      error?: { code?: string; type?: string };
      usage?: Outcome['usage'];
    };
    if (res.ok) return { status: res.status, usage: json.usage };
    return { status: res.status, code: json.error?.code ?? json.error?.type };
  } catch (error) {
    return { status: 0, code: `fetch: ${(error as Error).message}` };
  }
}

/**
 * Sends `perSecond` calls a second, round robin over the gateways, for `seconds` (open loop: a
 * tick every 10 ms sends what is due), and resolves with every outcome once all have ended.
 * `at(second)` runs once when the load reaches that second (to kill Redis mid-run).
 */
export async function offerLoad(
  gateways: readonly Gateway[],
  options: {
    perSecond: number;
    seconds: number;
    body: () => Record<string, unknown>;
    deadlineMs: number;
    at?: Record<number, () => unknown>;
  },
): Promise<Outcome[]> {
  const total = Math.round(options.perSecond * options.seconds);
  const pending: Promise<Outcome>[] = [];
  const start = performance.now();
  const fired = new Set<number>();
  await new Promise<void>((resolve) => {
    const tick = setInterval(() => {
      const elapsed = performance.now() - start;
      for (const [second, action] of Object.entries(options.at ?? {})) {
        const s = Number(second);
        if (elapsed >= s * 1000 && !fired.has(s)) {
          fired.add(s);
          void action();
        }
      }
      const due = Math.min(total, Math.floor((elapsed * options.perSecond) / 1000));
      while (pending.length < due) {
        const gateway = gateways[pending.length % gateways.length]!;
        pending.push(post(gateway, options.body(), options.deadlineMs));
      }
      if (pending.length >= total) {
        clearInterval(tick);
        resolve();
      }
    }, 10);
  });
  return Promise.all(pending);
}
