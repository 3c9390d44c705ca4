/**
 * Bounded stream lifetimes through the gateway, on real sockets: a client that never reads a
 * stream's body is cut after the idle time, one that reads a byte a second is cut at
 * `maxStreamMs`; each time the upstream request is aborted (the simulator counts it), the
 * limiter's lease is settled, and other clients are served meanwhile. The engine's time runs on a
 * manual clock, moved a second per turn of the event loop. (The server's own request, headers
 * and keep-alive timeouts, and the slowloris test, belong with the gateway's hardening.)
 */
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.ts';
import { eventually, FAST_POLICY, type Stack, startStack } from './gateway-harness.ts';

const clock = new ManualClock(Date.now());
let stack: Stack;

beforeAll(async () => {
  stack = await startStack({
    scenario: {
      seed: 5,
      default: { outputTokens: 3 },
      // Enough stream to fill every buffer between the gateway and a client that stops reading.
      models: { 'gpt-long': { outputTokens: 60_000 } },
    },
    routes: {
      long: { tiers: ['openai/gpt-long'] },
      'long-short-life': {
        tiers: ['openai/gpt-long'],
        policy: { timeouts: { idleMs: 20_000, maxStreamMs: 10_000 } },
      },
    },
    policy: {
      ...FAST_POLICY,
      timeouts: { ...FAST_POLICY.timeouts, deadlineMs: 60_000, idleMs: 15_000 },
    },
    gateway: { engineOptions: { clock } },
  });
});
afterAll(async () => {
  await stack.close();
});

/** Opens a raw connection and sends a streaming request for `model`; reads nothing yet. */
function streamRequest(model: string): Socket {
  const url = new URL(stack.url);
  const socket = connect(Number(url.port), url.hostname);
  socket.pause();
  const body = JSON.stringify({
    model,
    stream: true,
    max_tokens: 100_000,
    messages: [{ role: 'user', content: 'Write a lot.' }],
  });
  socket.write(
    `POST /v1/chat/completions HTTP/1.1\r\nhost: ${url.host}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
  return socket;
}

/** Moves the engine's clock a second per turn of the event loop until `done()` holds. */
async function until(done: () => boolean, each: () => void = () => {}, turns = 600) {
  for (let i = 0; i < turns && !done(); i++) {
    each();
    await clock.advance(1000);
    await new Promise((resolve) => setImmediate(resolve));
  }
  expect(done()).toBe(true);
}

const aborted = () => stack.mock.stats().models['gpt-long']?.aborted ?? 0;
const inFlight = async () =>
  (await stack.app.inject({ method: 'GET', url: '/status' })).json().limiter?.inFlight ?? 0;

/**
 * Everything the client can still read, once the gateway has closed the connection or ended the
 * response (its last chunk: a client still taking bytes gets the error frame and the end).
 */
function drain(socket: Socket): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      text += chunk;
      if (text.endsWith('\r\n0\r\n\r\n')) {
        socket.destroy();
        resolve(text);
      }
    });
    socket.on('error', () => {});
    socket.on('close', () => resolve(text));
    socket.resume();
  });
}

/** Another client is answered while the stuck stream still holds its upstream and its lease. */
async function servedMeanwhile() {
  await eventually(() => (stack.mock.stats().models['gpt-long']?.requests ?? 0) === 1);
  expect(await inFlight()).toBe(1);
  const other = await fetch(`${stack.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'openai/gpt-4o', messages: [{ role: 'user', content: 'Hi' }] }),
  });
  expect(other.status).toBe(200);
  const body = (await other.json()) as { choices: { message: { content: string } }[] };
  expect(body.choices[0]?.message.content).toBeTruthy();
  expect(aborted()).toBe(0);
}

describe('stream lifetimes', () => {
  it('cuts a client that never reads, aborts the upstream, settles the lease, serves the others', async () => {
    stack.mock.reset();
    const socket = streamRequest('long');
    const started = clock.now();
    await servedMeanwhile();
    await until(() => aborted() === 1);
    // Cut once the client had left the stream alone for the idle time, not before.
    expect(clock.now() - started).toBeGreaterThanOrEqual(15_000);
    expect(await inFlight()).toBe(0);
    const text = await drain(socket);
    expect(text.startsWith('HTTP/1.1 200')).toBe(true);
    expect(text).not.toContain('data: [DONE]');
  });

  it('cuts a client reading a byte a second at maxStreamMs, aborts the upstream, settles the lease, serves the others', async () => {
    stack.mock.reset();
    const socket = streamRequest('long-short-life');
    let read = 0;
    const started = clock.now();
    await servedMeanwhile();
    await until(
      () => aborted() === 1,
      () => {
        if (socket.read(1) !== null) read++;
      },
    );
    // One upstream request, cut once: nothing after the commit is retried.
    expect(stack.mock.stats().models['gpt-long']?.requests).toBe(1);
    expect(read).toBeGreaterThan(5);
    const lasted = clock.now() - started;
    expect(lasted).toBeGreaterThanOrEqual(10_000);
    expect(lasted).toBeLessThan(20_000);
    expect(await inFlight()).toBe(0);
    const text = await drain(socket);
    expect(text).not.toContain('data: [DONE]');
    // Cut while the socket still took bytes: the stream ended with an error frame in the
    // caller's dialect; otherwise the connection was closed.
    if (text.endsWith('\r\n0\r\n\r\n')) expect(text).toContain('timeouts.maxStreamMs');
  });
});
