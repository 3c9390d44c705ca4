/**
 * What a shutdown does to the requests it cannot wait for: when the grace period runs out, or a
 * second signal asks for it at once (`app.breakwater.cut()`), every request in flight is ended in
 * its own dialect — a stream with an error event as its last frame, a call still waiting with a
 * 503, a body still arriving with the same 503 — counted in the drain's `cut`, and logged as cut,
 * not as a client that left.
 */
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.ts';
import { eventually, type Stack, startStack } from './gateway-harness.ts';

let stack: Stack | undefined;

afterEach(async () => {
  await stack?.close().catch(() => undefined);
  stack = undefined;
});

async function start(clock: ManualClock): Promise<Stack> {
  return startStack({
    scenario: {
      seed: 8,
      default: { outputTokens: 400, latency: { perTokenMs: 20 } },
      models: { 'gpt-hang': { faults: [{ kind: 'hang', probability: 1 }] } },
    },
    policy: {
      timeouts: { connectMs: 1_000, firstByteMs: 30_000, idleMs: 30_000, deadlineMs: 60_000 },
    },
    gateway: { clock, drainRetryAfterMs: 2_000 },
  });
}

/** Opens a stream and reads its first chunk; `rest()` reads it to its end. */
async function openStream(s: Stack, path: '/v1/chat/completions' | '/v1/messages') {
  const model = path === '/v1/messages' ? 'anthropic/claude-haiku-4-5' : 'openai/gpt-4o-mini';
  const res = await fetch(`${s.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      model,
      max_tokens: 400,
      stream: true,
      messages: [{ role: 'user', content: 'Tell me a long story.' }],
    }),
  });
  expect(res.status).toBe(200);
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = decoder.decode((await reader.read()).value);
  return {
    path,
    rest: async () => {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return text;
        text += decoder.decode(value, { stream: true });
      }
    },
  };
}

function lastFrame(text: string): string {
  const frames = text.trim().split('\n\n');
  return frames[frames.length - 1]!;
}

async function scenario(cut: (s: Stack, clock: ManualClock) => void) {
  const clock = new ManualClock(Date.now());
  const s = await start(clock);
  stack = s;
  const streams = await Promise.all([
    openStream(s, '/v1/chat/completions'),
    openStream(s, '/v1/chat/completions'),
    openStream(s, '/v1/messages'),
    openStream(s, '/v1/messages'),
  ]);
  // A call whose upstream never answers, and a body that is still arriving.
  const waiting = fetch(`${s.url}/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      model: 'openai/gpt-hang',
      max_tokens: 8,
      messages: [{ role: 'user', content: 'Hi' }],
    }),
  });
  const socket = connect(Number(new URL(s.url).port), '127.0.0.1');
  let raw = '';
  socket.on('data', (chunk) => (raw += chunk));
  const rawClosed = new Promise((resolve) => socket.on('close', resolve));
  socket.write(
    'POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 200\r\n\r\n{"model":',
  );
  await eventually(() => s.app.breakwater.inFlight() === 6);

  const drained = s.app.breakwater.drain(60_000);
  cut(s, clock);
  const result = await drained;
  expect(result.cut).toBe(6);

  for (const stream of streams) {
    const last = lastFrame(await stream.rest());
    if (stream.path === '/v1/messages') {
      expect(last).toMatch(/^event: error\ndata: /);
      const event = JSON.parse(last.split('data: ')[1]!);
      expect(event).toMatchObject({ type: 'error', error: { type: 'overloaded_error' } });
      expect(event.error.message).toContain('shut down before this answer was complete');
    } else {
      expect(last).toMatch(/^data: \{"error"/);
      const event = JSON.parse(last.slice('data: '.length));
      expect(event.error.message).toContain('shut down before this answer was complete');
      expect(event.error.type).toBe('server_error');
    }
  }
  const refused = await waiting;
  expect(refused.status).toBe(503);
  expect(refused.headers.get('retry-after')).toBe('2');
  expect(await refused.json()).toMatchObject({
    type: 'error',
    error: { type: 'overloaded_error' },
  });
  await rawClosed;
  expect(raw).toMatch(/^HTTP\/1\.1 503/);
  expect(raw).toContain('"code":"unavailable"');

  const lines = s.logs
    .map((l) => JSON.parse(l))
    .filter((l) => l.msg === 'request' && l.cut === true);
  expect(lines).toHaveLength(6);
  expect(lines.every((l) => l.outcome === 'error' && l.code === 'unavailable')).toBe(true);
}

describe('a shutdown that cannot wait', () => {
  it('ends every request in its own dialect when a second signal asks to cut at once', async () => {
    await scenario((s) => s.app.breakwater.cut());
  }, 20_000);

  it('does the same when the grace period runs out', async () => {
    await scenario((_s, clock) => void clock.advance(60_000));
  }, 20_000);
});
