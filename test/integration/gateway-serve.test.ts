/**
 * `breakwater serve` as a user meets it: with no config and no provider keys it serves the
 * embedded default in front of an in-process simulator, says so, and the curl it prints works;
 * asked to listen on every interface without client keys, it refuses with a clear error.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { startMock } from '../../src/mock/index.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
let child: ChildProcess | undefined;

afterEach(() => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  child = undefined;
});

function serve(args: string[], extraEnv: Record<string, string> = {}) {
  const env: Record<string, string | undefined> = { ...process.env, ...extraEnv };
  for (const name of ['OPENAI_API_KEY', 'ANTHROPIC_API_KEY', 'BREAKWATER_CLIENT_KEYS']) {
    if (!(name in extraEnv)) delete env[name];
  }
  const proc = spawn(process.execPath, ['src/cli/main.ts', 'serve', ...args], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child = proc;
  let stderr = '';
  proc.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  let stdout = '';
  proc.stdout!.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) =>
    proc.once('exit', (code) => resolve(code)),
  );
  const banner = new Promise<string>((resolve, reject) => {
    proc.stderr!.on('data', () => {
      if (stderr.includes('"messages"')) resolve(stderr);
    });
    void exited.then(() => reject(new Error(`exited: ${stderr}`)));
  });
  banner.catch(() => {}); // awaited only by the tests that expect a banner
  return { proc, exited, banner, stderr: () => stderr, stdout: () => stdout };
}

describe('breakwater serve', () => {
  it('serves the embedded default with the simulator when no provider keys are set', async () => {
    const run = serve(['--port', '0']);
    const banner = await run.banner;
    expect(banner).toMatch(/openai:\s+the simulator at http:\/\/127\.0\.0\.1:\d+/);
    expect(banner).toMatch(/anthropic:\s+the simulator/);
    expect(banner).toContain('no OPENAI_API_KEY set');
    expect(banner).toMatch(/client keys:\s+none — listening on 127\.0\.0\.1 only/);
    // The printed curl, as a fetch.
    const url = /curl (\S+) -H 'content-type: application\/json'/.exec(banner)![1]!;
    const data = /-d '(.+)'/.exec(banner)![1]!;
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: data,
    });
    expect(res.status).toBe(200);
    const answer = (await res.json()) as { choices: { message: { content: string } }[] };
    expect(answer.choices[0]?.message.content).toBeTruthy();
    expect(res.headers.get('x-breakwater-route')).toBe('chat');
    run.proc.kill('SIGTERM');
    expect(await run.exited).toBe(0);
    // Log lines are written in batches; none may be lost when the process exits.
    const lines = run
      .stdout()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { msg: string });
    expect(lines.filter((l) => l.msg === 'request')).toHaveLength(1);
    expect(lines.at(-1)?.msg).toBe('stopped');
  }, 20_000);

  it('refuses to listen on every interface without client keys, in one line', async () => {
    const run = serve(['--host', '0.0.0.0', '--port', '0']);
    expect(await run.exited).toBe(1);
    expect(run.stderr()).toMatch(
      /^breakwater serve: refusing to listen on 0\.0\.0\.0 without client keys[^\n]*\n$/,
    );
  });

  it('with a config that has no routes, prints a curl naming a provider/model that works', async () => {
    const mock = await startMock({}, { port: 0 });
    try {
      const dir = mkdtempSync(join(tmpdir(), 'bw-serve-'));
      const config = join(dir, 'no-routes.yaml');
      writeFileSync(
        config,
        `providers:\n  openai:\n    baseUrl: ${mock.url}\n    apiKey: sk-test\n`,
      );
      const run = serve(['--config', config, '--port', '0']);
      const banner = await run.banner;
      expect(banner).toContain('"model":"openai/gpt-4o-mini"');
      const url = /curl (\S+) -H 'content-type: application\/json'/.exec(banner)![1]!;
      const data = /-d '(.+)'/.exec(banner)![1]!;
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: data,
      });
      expect(res.status).toBe(200);
      run.proc.kill('SIGTERM');
      expect(await run.exited).toBe(0);
    } finally {
      await mock.close();
    }
  }, 20_000);

  it('listens on every interface with client keys, and asks for one', async () => {
    const key = 'bw-serve-test-key-0123456789';
    const run = serve(['--host', '0.0.0.0', '--port', '0'], {
      BREAKWATER_CLIENT_KEYS: `ops:${key}`,
    });
    const banner = await run.banner;
    expect(banner).toMatch(/client keys:\s+1/);
    expect(banner).not.toContain(key);
    const port = /listening on http:\/\/0\.0\.0\.0:(\d+)/.exec(banner)![1]!;
    const ask = (headers: Record<string, string>) =>
      fetch(`http://127.0.0.1:${port}/v1/models`, { headers });
    expect((await ask({})).status).toBe(401);
    expect((await ask({ authorization: `Bearer ${key}` })).status).toBe(200);
    run.proc.kill('SIGTERM');
    expect(await run.exited).toBe(0);
  }, 20_000);
});
