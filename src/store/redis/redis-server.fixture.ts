/**
 * A real `redis-server` for tests: started on a free port of 127.0.0.1 in a temporary directory,
 * with persistence off (a restart starts empty, as a Redis without persistence does), and stopped
 * by the test. `kill()` ends it at once (SIGKILL, as a crash) and `restart()` brings it back on
 * the same port, for the tests of a fleet that loses its store.
 *
 * Where the binary is missing the suites that need it are skipped, except in CI (`CI=true`),
 * where a missing redis-server is an error: .ci/run installs it.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function findRedisServer(): string | undefined {
  for (const candidate of [process.env.REDIS_SERVER, '/usr/bin/redis-server', 'redis-server']) {
    if (!candidate) continue;
    try {
      execFileSync(candidate, ['--version'], { stdio: 'ignore' });
      return candidate;
    } catch {
      // not this one
    }
  }
  if (process.env.CI) {
    throw new Error('redis-server is not installed: the fleet tests need it (.ci/run installs it)');
  }
  return undefined;
}

/** The redis-server binary, or `undefined` (skip) outside CI. */
export const REDIS_SERVER_BIN = findRedisServer();

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface RedisServer {
  readonly port: number;
  readonly url: string;
  /** Ends the server at once, as a crash would (SIGKILL). */
  kill(): Promise<void>;
  /** Starts it again on the same port, empty. */
  restart(): Promise<void>;
  /** Stops it and removes its directory. */
  stop(): Promise<void>;
}

/** `password`: the server requires it (`--requirepass`), as a URL's `:password@` gives it. */
export async function startRedisServer(options: { password?: string } = {}): Promise<RedisServer> {
  if (!REDIS_SERVER_BIN) throw new Error('redis-server is not installed');
  const bin = REDIS_SERVER_BIN;
  const dir = mkdtempSync(join(tmpdir(), 'bw-redis-'));
  const port = await freePort();
  let child: ChildProcess | undefined;

  const start = () =>
    new Promise<void>((resolve, reject) => {
      const proc = spawn(
        bin,
        [
          '--port',
          String(port),
          '--bind',
          '127.0.0.1',
          '--dir',
          dir,
          '--save',
          '',
          '--appendonly',
          'no',
          '--daemonize',
          'no',
          '--protected-mode',
          'no',
          // DEBUG SLEEP stands in for a Redis that answers late.
          '--enable-debug-command',
          'local',
          ...(options.password ? ['--requirepass', options.password] : []),
        ],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      child = proc;
      let out = '';
      const onData = (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('Ready to accept connections')) {
          proc.stdout!.off('data', onData);
          proc.stdout!.resume();
          resolve();
        }
      };
      proc.stdout!.on('data', onData);
      proc.stderr!.resume();
      proc.once('exit', (code) => reject(new Error(`redis-server exited (${code}): ${out}`)));
    });

  const kill = async () => {
    const proc = child;
    child = undefined;
    if (!proc || proc.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    proc.kill('SIGKILL');
    await exited;
  };

  await start();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    kill,
    restart: start,
    async stop() {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
