/**
 * The gateway on a real socket: a client that goes away — mid-stream, or while the engine still
 * waits for the upstream — cancels the call and closes the upstream connection; draining lets
 * open streams finish and refuses new connections; a grace period that runs out cuts the rest.
 * The grace period runs on a manual clock.
 */
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.ts';
import { eventually, type Stack, startStack, upstreamRunning } from './gateway-harness.ts';

const scenario = {
  seed: 3,
  default: { outputTokens: 40, latency: { perTokenMs: 10 } },
  models: {
    'gpt-hang': { faults: [{ kind: 'hang' as const, probability: 1 }] },
    'gpt-stall': {
      faults: [
        { kind: 'stall_midstream' as const, afterChunks: 2, delayMs: 60_000, probability: 1 },
      ],
    },
  },
};
const slowPolicy = {
  retry: { maxAttempts: 1 },
  timeouts: { firstByteMs: 20_000, idleMs: 20_000, deadlineMs: 30_000 },
};

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

function open(url: string, model: string, signal?: AbortSignal) {
  return fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model, stream: true, messages: [{ role: 'user', content: 'Hi' }] }),
    signal,
  });
}

async function firstChunk(res: Response) {
  const reader = res.body!.getReader();
  const first = await reader.read();
  expect(first.done).toBe(false);
  return reader;
}

async function rest(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<string> {
  const decoder = new TextDecoder();
  let text = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return text;
    text += decoder.decode(value, { stream: true });
  }
}

const lines = (s: Stack) => s.logs.map((l) => JSON.parse(l)).filter((l) => l.msg === 'request');

describe('client disconnects', () => {
  it('closes the upstream stream when the client leaves mid-stream', async () => {
    const s = await startStack({ scenario, policy: slowPolicy });
    stack = s;
    const controller = new AbortController();
    const res = await open(s.url, 'openai/gpt-4o', controller.signal);
    await firstChunk(res);
    expect(upstreamRunning(s.pool)).toBe(1);
    controller.abort();
    await eventually(() => upstreamRunning(s.pool) === 0);
    await eventually(() => lines(s).length === 1);
    expect(lines(s)[0]).toMatchObject({ outcome: 'client_closed', stream: true, status: 200 });
  });

  it('cancels the engine call when the client leaves before the answer', async () => {
    const s = await startStack({ scenario, policy: slowPolicy });
    stack = s;
    const controller = new AbortController();
    const pending = open(s.url, 'openai/gpt-hang', controller.signal).catch((e: Error) => e);
    await eventually(() => upstreamRunning(s.pool) === 1);
    controller.abort();
    expect(await pending).toBeInstanceOf(Error);
    // Long before the 20 s first-byte timeout could have fired.
    await eventually(() => upstreamRunning(s.pool) === 0);
    await eventually(() => lines(s).length === 1);
    expect(lines(s)[0]).toMatchObject({ outcome: 'client_closed', status: 499 });
  });
});

describe('drain', () => {
  it('lets open streams finish, refuses new connections, then closes', async () => {
    const clock = new ManualClock();
    const s = await startStack({ scenario, policy: slowPolicy, gateway: { clock } });
    stack = s;
    const readers = await Promise.all(
      Array.from({ length: 5 }, async () => firstChunk(await open(s.url, 'openai/gpt-4o'))),
    );
    expect(s.app.breakwater.inFlight()).toBe(5);
    const drained = s.app.breakwater.drain(30_000);
    await expect(open(s.url, 'openai/gpt-4o')).rejects.toThrow();
    const bodies = await Promise.all(readers.map(rest));
    for (const body of bodies) expect(body.trimEnd().endsWith('data: [DONE]')).toBe(true);
    expect(await drained).toEqual({ cut: 0 });
    expect(s.app.breakwater.inFlight()).toBe(0);
  });

  it('turns away a request that still arrives on an open connection', async () => {
    const clock = new ManualClock();
    const s = await startStack({ scenario, policy: slowPolicy, gateway: { clock } });
    stack = s;
    const socket = connect(Number(new URL(s.url).port), '127.0.0.1');
    let text = '';
    socket.on('data', (chunk) => {
      text += chunk.toString();
    });
    const ended = new Promise((resolve) => socket.on('close', resolve));
    const body = JSON.stringify({
      model: 'openai/gpt-4o',
      stream: true,
      messages: [{ role: 'user', content: 'Hi' }],
    });
    socket.write(
      `POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n${body}`,
    );
    await eventually(() => text.includes('data: '));
    const drained = s.app.breakwater.drain(30_000);
    // Pipelined behind the open stream: it arrives while the gateway drains.
    socket.write('GET /readyz HTTP/1.1\r\nhost: x\r\n\r\n');
    await ended;
    expect(await drained).toEqual({ cut: 0 });
    expect(text).toContain('data: [DONE]');
    const late = text.slice(text.indexOf('HTTP/1.1 503'));
    expect(late).toMatch(/^HTTP\/1\.1 503/);
    expect(late).toMatch(/\r\nretry-after: 1\r\n/i);
    expect(late).toMatch(/\r\nconnection: close\r\n/i);
    expect(late).toContain('shutting down');
  });

  it('cuts what is left when the grace period ends', async () => {
    const clock = new ManualClock();
    const s = await startStack({ scenario, policy: slowPolicy, gateway: { clock } });
    stack = s;
    const reader = await firstChunk(await open(s.url, 'openai/gpt-stall'));
    const drained = s.app.breakwater.drain(5_000);
    await clock.advance(4_999);
    expect(s.app.breakwater.inFlight()).toBe(1);
    await clock.advance(1);
    expect(await drained).toEqual({ cut: 1 });
    // Ended, not dropped: the stream's last frame says why, in its dialect.
    expect(await rest(reader)).toMatch(/data: \{"error":\{"message":"the gateway shut down/);
    await eventually(() => upstreamRunning(s.pool) === 0);
  });
});
