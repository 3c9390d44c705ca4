import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { sendStream } from './sse-reply.ts';

const bytes = (text: string) => Buffer.from(text);
/** A turn of the event loop: what comes after it was not ready in the same turn. */
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

/**
 * Runs `sendStream` in a Fastify route and records each `res.write`. `full(n)`: whether the n-th
 * write (from 1) finds the socket's buffer full — it then returns false and 'drain' follows a few
 * turns later, recorded in `writes` as 'drain'.
 */
async function relay(
  body: () => AsyncGenerator<Uint8Array>,
  full = (_n: number) => false,
  writes: string[] = [],
) {
  const app = Fastify();
  app.post('/stream', async (_request, reply) => {
    const raw = reply.raw;
    const write = raw.write.bind(raw) as (chunk: Uint8Array) => boolean;
    raw.write = ((chunk: Uint8Array) => {
      writes.push(Buffer.from(chunk).toString());
      write(chunk);
      if (!full(writes.filter((w) => w !== 'drain').length)) return true;
      void (async () => {
        for (let i = 0; i < 5; i++) await nextTurn();
        writes.push('drain');
        raw.emit('drain');
      })();
      return false;
    }) as typeof raw.write;
    await sendStream(reply, body(), { 'x-breakwater-route': 'chat' });
    return reply;
  });
  await app.ready();
  const res = await app.inject({ method: 'POST', url: '/stream' });
  await app.close();
  return { res, writes };
}

describe('sendStream', () => {
  it('writes the first chunk at once, then the chunks ready in one turn together', async () => {
    const { res, writes } = await relay(async function* () {
      yield bytes('data: 1\n\n');
      yield bytes('data: 2\n\n');
      yield bytes('data: 3\n\n');
      await nextTurn();
      yield bytes('data: 4\n\n');
      await nextTurn();
      yield bytes('data: [DONE]\n\n');
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(res.headers['x-breakwater-route']).toBe('chat');
    expect(res.body).toBe('data: 1\n\ndata: 2\n\ndata: 3\n\ndata: 4\n\ndata: [DONE]\n\n');
    expect(writes).toEqual([
      'data: 1\n\n',
      'data: 2\n\ndata: 3\n\n',
      'data: 4\n\n',
      'data: [DONE]\n\n',
    ]);
  });

  it('writes what was gathered before ending a stream that finishes in the same turn', async () => {
    const { res, writes } = await relay(async function* () {
      yield bytes('a');
      yield bytes('b');
      yield bytes('c');
    });
    expect(res.body).toBe('abc');
    expect(writes).toEqual(['a', 'bc']);
  });

  it('reads nothing more from the engine while the socket is full, until it drains', async () => {
    const pulled: number[] = [];
    const writes: string[] = [];
    const { res } = await relay(
      async function* () {
        yield bytes('1');
        pulled.push(writes.length);
        yield bytes('2');
        await nextTurn();
        pulled.push(writes.length);
        yield bytes('3');
      },
      (n) => n === 1,
      writes,
    );
    expect(res.body).toBe('123');
    expect(writes).toEqual(['1', 'drain', '2', '3']);
    // The second chunk was asked for only once the first write's 'drain' had come.
    expect(pulled).toEqual([2, 3]);
  });
});
