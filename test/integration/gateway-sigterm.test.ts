/**
 * `breakwater serve` as a child process, in front of a simulator whose streams take about a
 * second: 100 streams are opened, SIGTERM arrives while all of them are mid-way, and every one
 * still ends complete (`data: [DONE]`), no new connection is taken, and the process exits 0.
 * A second SIGTERM cuts what is left at once: each stream ends with an error event in its own
 * dialect, and the last log line counts them.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MockServer, startMock } from '../../src/mock/index.ts';

const STREAMS = 100;
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

let mock: MockServer;
let dir: string;
let child: ChildProcess | undefined;

beforeAll(async () => {
  mock = await startMock({
    seed: 2,
    default: { outputTokens: 50, latency: { perTokenMs: 20 } },
  });
  dir = await mkdtemp(join(tmpdir(), 'breakwater-sigterm-'));
});

afterAll(async () => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  await mock.close();
  await rm(dir, { recursive: true, force: true });
});

/** Resolves with the first match of `pattern` in what `stream` writes. */
function waitFor(stream: NodeJS.ReadableStream, pattern: RegExp): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    let text = '';
    const onData = (chunk: Buffer) => {
      text += chunk.toString();
      const match = pattern.exec(text);
      if (match) {
        stream.off('data', onData);
        resolve(match);
      }
    };
    stream.on('data', onData);
    stream.once('end', () =>
      reject(new Error(`stream ended without ${pattern}: ${text.slice(-500)}`)),
    );
  });
}

async function readAll(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  head: string,
): Promise<string> {
  const decoder = new TextDecoder();
  let text = head;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return text;
    text += decoder.decode(value, { stream: true });
  }
}

describe('breakwater serve', () => {
  it('finishes 100 open streams after SIGTERM, then exits 0', async () => {
    const config = join(dir, 'gateway.yaml');
    await writeFile(
      config,
      [
        'providers:',
        '  openai:',
        `    baseUrl: ${mock.url}`,
        '    apiKey: sk-test-sigterm-0123456789',
        'policy:',
        '  timeouts: { firstByteMs: 10000, idleMs: 10000, deadlineMs: 20000 }',
        '',
      ].join('\n'),
    );
    const env = { ...process.env };
    delete env.BREAKWATER_CLIENT_KEYS;
    child = spawn(
      process.execPath,
      ['src/cli/main.ts', 'serve', '--config', config, '--port', '0'],
      {
        cwd: ROOT,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const exited = new Promise<number | null>((resolve) =>
      child!.once('exit', (code) => resolve(code)),
    );
    const url = (await waitFor(child.stderr!, /listening on (http:\/\/127\.0\.0\.1:\d+)/))[1]!;

    const body = JSON.stringify({
      model: 'openai/gpt-4o',
      stream: true,
      messages: [{ role: 'user', content: 'Tell me a story.' }],
    });
    const opened = await Promise.all(
      Array.from({ length: STREAMS }, async () => {
        const res = await fetch(`${url}/v1/chat/completions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
        });
        expect(res.status).toBe(200);
        const reader = res.body!.getReader();
        const first = await reader.read();
        return { reader, head: new TextDecoder().decode(first.value) };
      }),
    );

    const stopping = waitFor(child.stdout!, /"msg":"shutting down"/);
    child.kill('SIGTERM');
    await stopping;
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();

    const bodies = await Promise.all(opened.map(({ reader, head }) => readAll(reader, head)));
    const complete = bodies.filter((b) => b.trimEnd().endsWith('data: [DONE]'));
    expect(complete.length).toBe(STREAMS);
    expect(bodies.every((b) => !b.includes('"error"'))).toBe(true);
    expect(await exited).toBe(0);
  }, 30_000);

  it('cuts every stream on a second SIGTERM, each with an error event in its dialect', async () => {
    const config = join(dir, 'cut.yaml');
    await writeFile(
      config,
      [
        'providers:',
        '  openai:',
        `    baseUrl: ${mock.url}`,
        '    apiKey: sk-test-sigterm-0123456789',
        '  anthropic:',
        `    baseUrl: ${mock.url}`,
        '    apiKey: sk-ant-test-sigterm-0123456789',
        'policy:',
        '  timeouts: { firstByteMs: 10000, idleMs: 10000, deadlineMs: 20000 }',
        '',
      ].join('\n'),
    );
    const env = { ...process.env };
    delete env.BREAKWATER_CLIENT_KEYS;
    const cli = spawn(
      process.execPath,
      ['src/cli/main.ts', 'serve', '--config', config, '--port', '0', '--grace-ms', '60000'],
      { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child = cli;
    const exited = new Promise<number | null>((resolve) =>
      cli.once('exit', (code) => resolve(code)),
    );
    const url = (await waitFor(cli.stderr!, /listening on (http:\/\/127\.0\.0\.1:\d+)/))[1]!;
    const paths = ['/v1/chat/completions', '/v1/messages'] as const;
    const opened = await Promise.all(
      Array.from({ length: 10 }, async (_, i) => {
        const path = paths[i % 2]!;
        const res = await fetch(`${url}${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            model: path === '/v1/messages' ? 'anthropic/claude-haiku-4-5' : 'openai/gpt-4o',
            max_tokens: 200,
            stream: true,
            messages: [{ role: 'user', content: 'Tell me a story.' }],
          }),
        });
        expect(res.status).toBe(200);
        const reader = res.body!.getReader();
        const first = await reader.read();
        return { path, reader, head: new TextDecoder().decode(first.value) };
      }),
    );
    let out = '';
    cli.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    const stopping = waitFor(cli.stdout!, /"msg":"shutting down"/);
    cli.kill('SIGTERM');
    await stopping;
    const stopped = waitFor(cli.stdout!, /"cut":(\d+)[^\n]*"msg":"stopped/);
    cli.kill('SIGTERM');
    const bodies = await Promise.all(opened.map(({ reader, head }) => readAll(reader, head)));
    opened.forEach(({ path }, i) => {
      const frames = bodies[i]!.trim().split('\n\n');
      const last = frames[frames.length - 1]!;
      if (path === '/v1/messages') expect(last).toMatch(/^event: error\ndata: \{"type":"error"/);
      else expect(last).toMatch(/^data: \{"error":\{"message":"the gateway shut down/);
    });
    expect((await stopped)[1]).toBe('10');
    expect(await exited).toBe(0);
    // Each cut stream's request line says the shutdown ended it, not that its client left.
    const lines = out
      .split('\n')
      .filter((l) => l.includes('"msg":"request"'))
      .map((l) => JSON.parse(l) as { cut?: boolean; outcome: string; code?: string });
    expect(lines).toHaveLength(10);
    for (const line of lines) {
      expect(line).toMatchObject({ cut: true, outcome: 'error', code: 'unavailable' });
    }
  }, 30_000);
});
