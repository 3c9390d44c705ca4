/**
 * callUpstream against the provider simulator: its `hang`, `slow_first_byte`, `stall_midstream`
 * and `reset` faults must each surface as the limit or failure that names them. One simulator,
 * one model per fault (so the tests can run side by side); small real timeouts, every other
 * timer far larger than the one under test.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Deadline } from '../../src/core/deadline.ts';
import { ConnectionError, type TimeoutError } from '../../src/errors/index.ts';
import { type MockServer, startMock } from '../../src/mock/index.ts';
import { type CallUpstreamOptions, callUpstream } from '../../src/upstream/call-upstream.ts';
import { createUpstreamPool, type UpstreamPool } from '../../src/upstream/upstream-pool.ts';

let mock: MockServer;
let pool: UpstreamPool;

const always = 1;
const fast = { latency: { fixedMs: 0, jitterMs: 0, perTokenMs: 0 } };

beforeAll(async () => {
  mock = await startMock({
    seed: 1,
    default: fast,
    models: {
      'hang-model': { ...fast, faults: [{ kind: 'hang', probability: always }] },
      'slow-model': {
        ...fast,
        faults: [{ kind: 'slow_first_byte', probability: always, delayMs: 2_000 }],
      },
      'stall-model': {
        ...fast,
        outputTokens: 30,
        faults: [{ kind: 'stall_midstream', probability: always, afterChunks: 2, delayMs: 5_000 }],
      },
      'reset-model': { ...fast, faults: [{ kind: 'reset', probability: always }] },
      'reset-stream-model': {
        ...fast,
        outputTokens: 30,
        faults: [{ kind: 'reset', probability: always, afterChunks: 2 }],
      },
    },
  });
  pool = createUpstreamPool({ origins: [mock.url] });
});

afterAll(async () => {
  await pool.destroy();
  await mock.close();
});

/** Every timer far larger than the one under test. */
const FAR = { connectMs: 10_000, firstByteMs: 10_000, idleMs: 10_000 };

function chat(model: string, extra: Partial<CallUpstreamOptions> = {}) {
  const stream = extra.stream ?? false;
  return callUpstream({
    pool,
    origin: mock.url,
    path: '/v1/chat/completions',
    headers: { authorization: 'Bearer sk-test' },
    body: JSON.stringify({
      model,
      messages: [{ role: 'user', content: 'Hello there' }],
      max_tokens: 64,
      stream,
    }),
    dialect: 'openai',
    provider: 'mock',
    model,
    stream,
    ...extra,
  });
}

async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a rejection');
}

describe.concurrent('callUpstream against the simulator', () => {
  it('answers a clean request', async () => {
    const response = await chat('gpt-4o', { timeouts: FAR });
    const body = (await response.json()) as { object: string };
    expect(body.object).toBe('chat.completion');
    expect(response.requestId).toMatch(/^req_/);
  });

  it('hang → first_byte timeout', async () => {
    const err = (await rejection(
      chat('hang-model', { timeouts: { ...FAR, firstByteMs: 150 } }),
    )) as TimeoutError;
    expect(err.code).toBe('timeout');
    expect(err.phase).toBe('first_byte');
    expect(err.message).toContain('first-byte timeout of 150 ms');
    expect(err.message).toContain('mock/hang-model');
  });

  it('slow_first_byte slower than the first-byte limit → first_byte timeout', async () => {
    const err = (await rejection(
      chat('slow-model', { timeouts: { ...FAR, firstByteMs: 150 } }),
    )) as TimeoutError;
    expect(err.code).toBe('timeout');
    expect(err.phase).toBe('first_byte');
  });

  it('slow_first_byte slower than the deadline → deadline_exceeded', async () => {
    const deadline = Deadline.after(200);
    try {
      const err = await rejection(chat('slow-model', { deadline, timeouts: FAR }));
      expect(err).toBe(deadline.error);
      expect((err as TimeoutError).code).toBe('deadline_exceeded');
      expect(err.message).toContain('deadline of 200 ms');
    } finally {
      deadline.dispose();
    }
  });

  it('stall_midstream → idle timeout while the caller reads the stream', async () => {
    const response = await chat('stall-model', {
      stream: true,
      timeouts: { ...FAR, idleMs: 150 },
    });
    let frames = '';
    const err = (await rejection(
      (async () => {
        for await (const chunk of response.body) frames += Buffer.from(chunk).toString();
      })(),
    )) as TimeoutError;
    expect(frames).toContain('data: ');
    expect(frames).not.toContain('[DONE]');
    expect(err.code).toBe('timeout');
    expect(err.phase).toBe('idle');
    expect(err.message).toContain('idle timeout between bytes of 150 ms');
  });

  it('stall_midstream outlasting the deadline → deadline_exceeded mid-body', async () => {
    const deadline = Deadline.after(250);
    try {
      const response = await chat('stall-model', { stream: true, deadline, timeouts: FAR });
      const err = await rejection(response.text());
      expect(err).toBe(deadline.error);
    } finally {
      deadline.dispose();
    }
  });

  it('reset before the answer → connection/reset', async () => {
    const err = (await rejection(chat('reset-model', { timeouts: FAR }))) as ConnectionError;
    expect(err).toBeInstanceOf(ConnectionError);
    expect(err.code).toBe('connection');
    expect(err.reason).toBe('reset');
  });

  it('reset mid-stream → connection error while reading', async () => {
    const response = await chat('reset-stream-model', { stream: true, timeouts: FAR });
    const err = (await rejection(response.text())) as ConnectionError;
    expect(err.code).toBe('connection');
    expect(['reset', 'closed']).toContain(err.reason);
  });
});
