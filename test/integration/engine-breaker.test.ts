/**
 * The engine's breaker against an upstream whose every answer the test holds and releases by
 * hand (a real HTTP server on 127.0.0.1), so calls can end in any order: a call admitted before
 * the breaker opened that ends while the probe is out is never taken for the probe's verdict —
 * neither a whole answer that succeeds nor a stream that breaks after its commit. Breaker time
 * runs on a manual clock.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { resolveConfig } from '../../src/config/config-resolve.ts';
import { ManualClock } from '../../src/core/clock.ts';
import { Engine } from '../../src/engine/engine.ts';
import type { BreakwaterError } from '../../src/errors/index.ts';

/** A request the server holds until the test answers it. */
interface Held {
  body: { stream?: boolean };
  res: ServerResponse;
}

const held: Held[] = [];
let url = '';
const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
  let text = '';
  for await (const chunk of req) text += chunk;
  held.push({ body: JSON.parse(text), res });
});
const engines: Engine[] = [];

beforeAll(async () => {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterEach(() => {
  for (const h of held.splice(0)) h.res.destroy();
});
afterAll(async () => {
  await Promise.all(engines.map((e) => e.close()));
  server.closeAllConnections();
  server.close();
});

function engine(clock: ManualClock) {
  const e = new Engine(
    resolveConfig({
      providers: { openai: { baseUrl: url, apiKey: 'sk-test', breaker: { minimumCalls: 5 } } },
      policy: { retry: { maxAttempts: 1 } },
    }),
    { clock, random: () => 0 },
  );
  engines.push(e);
  return e;
}

const ask = (stream = false) => ({
  model: 'openai/gpt-4o',
  messages: [{ role: 'user', content: 'Hi' }],
  ...(stream ? { stream: true } : {}),
});

/** The next request the server received, once it has. */
async function next(): Promise<Held> {
  await vi.waitFor(() => expect(held.length).toBeGreaterThan(0));
  return held.shift()!;
}

function answer(h: Held): void {
  h.res.writeHead(200, { 'content-type': 'application/json' }).end(
    JSON.stringify({
      id: 'chatcmpl-1',
      object: 'chat.completion',
      created: 1,
      model: 'gpt-4o',
      choices: [
        { index: 0, message: { role: 'assistant', content: 'Hello' }, finish_reason: 'stop' },
      ],
      usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 },
    }),
  );
}

function fail(h: Held): void {
  h.res
    .writeHead(500, { 'content-type': 'application/json' })
    .end(JSON.stringify({ error: { message: 'boom', type: 'server_error', code: null } }));
}

/** Starts a stream and sends its first content, so the engine commits it. */
function startStream(h: Held): void {
  h.res.writeHead(200, { 'content-type': 'text/event-stream' });
  const chunk = (delta: object) =>
    `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o', choices: [{ index: 0, delta, finish_reason: null }] })}\n\n`;
  h.res.write(chunk({ role: 'assistant', content: '' }) + chunk({ content: 'Hel' }));
}

/** The error a call must fail with. */
const failed = (call: Promise<unknown>) =>
  call.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (err: unknown) => err as BreakwaterError,
  );

/** Opens the breaker with five failed calls. */
async function openBreaker(e: Engine): Promise<void> {
  for (let i = 0; i < 5; i++) {
    const call = failed(e.call('openai', ask()));
    fail(await next());
    expect((await call).code).toBe('server_error');
  }
}

const breakerOf = (e: Engine) => [...e.targets()][0]!.breaker;

describe('engine breaker: no stale verdicts', () => {
  it('does not let a call admitted before the breaker opened decide the half-open breaker', async () => {
    const clock = new ManualClock(Date.now());
    const e = engine(clock);
    const early = e.call('openai', ask());
    const earlyRequest = await next();
    await openBreaker(e);
    expect(breakerOf(e).state).toBe('open');
    await clock.advance(30_000);

    const probe = failed(e.call('openai', ask()));
    const probeRequest = await next();
    expect(breakerOf(e).state).toBe('half_open');
    // The early call succeeds now, while the probe is out: it says nothing about the probe.
    answer(earlyRequest);
    expect((await early).meta.target).toBe('openai/gpt-4o');
    expect(breakerOf(e).state).toBe('half_open');

    fail(probeRequest);
    expect((await probe).code).toBe('server_error');
    expect(breakerOf(e).toJSON()).toMatchObject({ state: 'open', openMs: 60_000 });
  });

  it('does not let a stream admitted before the breaker opened reopen it when it breaks after its commit', async () => {
    const clock = new ManualClock(Date.now());
    const e = engine(clock);
    const streaming = e.call('openai', ask(true));
    const streamRequest = await next();
    startStream(streamRequest);
    const answered = await streaming;
    if (answered.kind !== 'stream') throw new Error('expected a stream');
    const reader = answered.body[Symbol.asyncIterator]();
    await reader.next();
    // The caller keeps reading — it waits for the next frame all along — so the stream is not
    // cut for a caller that stopped reading while the breaker's clock moves.
    const waiting = reader.next();

    await openBreaker(e);
    await clock.advance(30_000);
    const probe = e.call('openai', ask());
    const probeRequest = await next();

    // The committed stream breaks now: a failure of its own generation, not the probe's.
    streamRequest.res.destroy();
    for (let r = await waiting; !r.done; r = await reader.next());
    const { error } = await answered.ended;
    // A health failure of the target, which the breaker would count in its own generation.
    expect(error?.code).toBe('connection');
    expect(error?.healthSignal).toBe(true);
    expect(breakerOf(e).state).toBe('half_open');

    answer(probeRequest);
    await probe;
    expect(breakerOf(e).state).toBe('closed');
  });
});
