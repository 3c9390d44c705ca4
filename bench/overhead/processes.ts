/**
 * Starting and stopping the bench's processes: each server runs in a process of its own (so its
 * CPU and memory can be read from /proc), optionally pinned to some cores with `taskset`, and is
 * ready once it prints its URL or answers on its port. Every process started is stopped when the
 * bench ends, however it ends.
 */
import { type ChildProcess, fork, spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import type { Readable } from 'node:stream';

export interface Started {
  label: string;
  pid: number;
  /** e.g. `http://127.0.0.1:PORT` */
  url: string;
  child: ChildProcess;
  /** The last few kilobytes it wrote (stdout unless discarded, and stderr). */
  output(): string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process has exited. */
  stop(graceMs?: number): Promise<void>;
}

export interface SpawnSpec {
  label: string;
  args: readonly string[];
  /** Cores to pin the process to, as taskset's `-c` list (`0`, `1`, `0,1`); none: unpinned. */
  cpus?: string | undefined;
  env?: Record<string, string>;
  /** How to know it is ready: a line on stdout or stderr that holds its URL, or its port answering. */
  ready: { line: RegExp; stream: 'stdout' | 'stderr' } | { port: number };
  /** Discard stdout without reading it (a server that logs every request). */
  quietStdout?: boolean;
  timeoutMs?: number;
}

const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

let tasksetChecked: boolean | undefined;

/** Whether `taskset` (util-linux) can pin processes here. */
export function canPin(): boolean {
  tasksetChecked ??= spawnSync('taskset', ['-c', '0', 'true']).status === 0;
  return tasksetChecked;
}

function command(args: readonly string[], cpus: string | undefined): [string, string[]] {
  if (cpus === undefined) return [process.execPath, [...args]];
  return ['taskset', ['-c', cpus, process.execPath, ...args]];
}

function track(child: ChildProcess, label: string): Started['stop'] {
  running.add(child);
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  exited.then(() => running.delete(child));
  return async (graceMs = 5_000) => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const timer = setTimeout(() => {
      process.stderr.write(`bench: ${label} did not stop within ${graceMs} ms; killing it\n`);
      child.kill('SIGKILL');
    }, graceMs);
    await exited;
    clearTimeout(timer);
  };
}

export async function startServer(spec: SpawnSpec): Promise<Started> {
  const [cmd, args] = command(spec.args, spec.cpus);
  const child = spawn(cmd, args, {
    stdio: ['ignore', spec.quietStdout ? 'ignore' : 'pipe', 'pipe'],
    env: { ...process.env, ...spec.env },
  });
  const stop = track(child, spec.label);
  let output = '';
  const keep = (stream: Readable | null) =>
    stream?.on('data', (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-16_384);
    });
  keep(child.stdout);
  keep(child.stderr);
  const timeoutMs = spec.timeoutMs ?? 30_000;
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`not ready within ${timeoutMs} ms`)),
        timeoutMs,
      );
      child.once('exit', (code, signal) => reject(new Error(`exited (${signal ?? code})`)));
      child.once('error', reject);
      const done = (url: string) => {
        clearTimeout(timer);
        resolve(url);
      };
      const { ready } = spec;
      if ('line' in ready) {
        let seen = '';
        const stream = ready.stream === 'stdout' ? child.stdout : child.stderr;
        const onData = (chunk: Buffer) => {
          seen += chunk.toString('utf8');
          const match = ready.line.exec(seen);
          if (match) {
            stream?.off('data', onData);
            done(match[1]!);
          }
        };
        stream?.on('data', onData);
      } else {
        waitForPort(ready.port, timeoutMs).then(
          () => done(`http://127.0.0.1:${ready.port}`),
          reject,
        );
      }
    });
    return { label: spec.label, pid: child.pid!, url, child, output: () => output, stop };
  } catch (error) {
    await stop(1_000);
    const said = output.slice(-2_000);
    throw new Error(`${spec.label}: ${(error as Error).message}\n${said}`);
  }
}

/** A forked Node child with an IPC channel (the load generator). */
export function forkChild(
  label: string,
  modulePath: string,
  cpus: string | undefined,
): { child: ChildProcess; stop: Started['stop'] } {
  const pinned = cpus !== undefined;
  const child = fork(modulePath, [], {
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    ...(pinned ? { execPath: 'taskset', execArgv: ['-c', cpus, process.execPath] } : {}),
  });
  return { child, stop: track(child, label) };
}

/** A port free right now on 127.0.0.1, for a server that must be told its port. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const until = performance.now() + timeoutMs;
  while (performance.now() < until) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(1_000) });
      await res.body?.cancel();
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw new Error(`port ${port} did not answer within ${timeoutMs} ms`);
}
