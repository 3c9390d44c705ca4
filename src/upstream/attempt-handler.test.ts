import { getEventListeners } from 'node:events';
import type { Dispatcher } from 'undici';
import { describe, expect, it } from 'vitest';
import { Cancellation } from '../core/cancellation.ts';
import { ManualClock } from '../core/clock.ts';
import { Deadline } from '../core/deadline.ts';
import { AbortedError, type BreakwaterError, TimeoutError } from '../errors/index.ts';
import { AttemptHandler, BODY_HIGH_WATER_BYTES } from './attempt-handler.ts';

const ctx = {
  provider: 'openai',
  model: 'gpt-4o',
  connectTimeoutMs: 5_000,
  firstByteTimeoutMs: 30_000,
  idleTimeoutMs: 15_000,
};

/**
 * undici's side of a dispatch, played by hand: a controller that records what the handler asked
 * of it, and answers an abort the way undici does (onResponseError follows).
 */
function connection(handler: AttemptHandler) {
  const asked: string[] = [];
  let aborted: Error | undefined;
  let paused = false;
  const controller = {
    abort(reason: Error) {
      asked.push('abort');
      aborted = reason;
      handler.onResponseError(controller, reason);
    },
    pause() {
      asked.push('pause');
      paused = true;
    },
    resume() {
      asked.push('resume');
      paused = false;
    },
    get aborted() {
      return aborted !== undefined;
    },
    get paused() {
      return paused;
    },
    get reason() {
      return aborted ?? null;
    },
  } as unknown as Dispatcher.DispatchController;
  return {
    controller,
    asked,
    get abortReason() {
      return aborted;
    },
    start() {
      handler.onRequestStart(controller);
    },
    head(status = 200, headers: Record<string, string> = { 'x-request-id': 'req_1' }) {
      handler.onResponseStart(controller, status, headers);
    },
    data(text: string | Buffer) {
      handler.onResponseData(controller, typeof text === 'string' ? Buffer.from(text) : text);
    },
    end() {
      handler.onResponseEnd();
    },
    fail(err: Error) {
      handler.onResponseError(controller, err);
    },
  };
}

const listeners = (signal: AbortSignal) => getEventListeners(signal, 'abort').length;

/** An attempt whose head (`status`, 200 by default) has arrived, with undici's side played by hand. */
async function answered(
  o: {
    clock?: ManualClock;
    deadline?: Deadline;
    status?: number;
    headers?: Record<string, string>;
  } = {},
) {
  const handler = new AttemptHandler(o.clock ?? new ManualClock(), ctx, undefined, o.deadline);
  const wire = connection(handler);
  wire.start();
  wire.head(o.status, o.headers);
  await handler.head;
  return { handler, wire };
}

describe('AttemptHandler', () => {
  it('hands over the head with its request id, then the whole body as text', async () => {
    const clock = new ManualClock(1_000);
    const caller = new AbortController();
    const handler = new AttemptHandler(clock, ctx, caller.signal);
    const wire = connection(handler);
    expect(listeners(caller.signal)).toBe(1);
    await clock.advance(2);
    wire.start();
    await clock.advance(5);
    wire.head(200, { 'x-request-id': 'req_9', 'content-type': 'application/json' });
    const head = await handler.head;
    expect(head).toMatchObject({ status: 200, at: 1_007 });
    expect(handler.writtenAt).toBe(1_002);
    expect(handler.requestId).toBe('req_9');
    const text = handler.text();
    wire.data('{"a":');
    wire.data('1}');
    wire.end();
    expect(await text).toBe('{"a":1}');
    expect(listeners(caller.signal)).toBe(0);
  });

  it('ignores an informational 1xx head and waits for the real one', async () => {
    const handler = new AttemptHandler(new ManualClock(), ctx);
    const wire = connection(handler);
    wire.start();
    wire.head(100, {});
    wire.head(201, {});
    expect((await handler.head).status).toBe(201);
  });

  it('answers an abort at once while the request still waits for a connection, and drops it unsent', async () => {
    const caller = new AbortController();
    const handler = new AttemptHandler(new ManualClock(), ctx, caller.signal);
    const wire = connection(handler);
    caller.abort(new Error('client left'));
    await expect(handler.head).rejects.toBeInstanceOf(AbortedError);
    expect(listeners(caller.signal)).toBe(0);
    wire.start(); // the pool hands it a connection later
    expect(wire.asked).toEqual(['abort']);
    expect(wire.abortReason).toBe(handler.failure);
    expect(handler.writtenAt).toBeUndefined();
  });

  it("when both fired before the call, the caller's signal wins and nothing is followed", async () => {
    const clock = new ManualClock();
    const deadline = Deadline.after(10, clock);
    await clock.advance(10);
    const caller = new AbortController();
    caller.abort();
    const handler = new AttemptHandler(clock, ctx, caller.signal, deadline);
    expect(handler.failure).toBeInstanceOf(AbortedError);
    await expect(handler.head).rejects.toBe(handler.failure);
    expect(listeners(caller.signal)).toBe(0);
  });

  it('a deadline already past fails the attempt with deadline_exceeded before anything is sent', async () => {
    const clock = new ManualClock();
    const deadline = Deadline.after(10, clock);
    await clock.advance(10);
    const handler = new AttemptHandler(clock, ctx, new AbortController().signal, deadline);
    await expect(handler.head).rejects.toBe(deadline.error);
  });

  it("the owner's cancellation stops the attempt mid-stream like an abort, and is let go once it is over", async () => {
    const cancellation = new Cancellation();
    const handler = new AttemptHandler(new ManualClock(), ctx, undefined, undefined, cancellation);
    const wire = connection(handler);
    wire.start();
    wire.head();
    await handler.head;
    const read = handler.read();
    const lost = new AbortedError('the other attempt of a hedge answered first');
    cancellation.cancel(lost);
    const err = (await read.catch((e: unknown) => e)) as BreakwaterError;
    expect(err.code).toBe('aborted');
    expect(handler.failure).toBe(err);
    expect(wire.asked).toEqual(['abort']);

    // An attempt that ended is no longer told.
    const later = new Cancellation();
    const done = new AttemptHandler(new ManualClock(), ctx, undefined, undefined, later);
    const doneWire = connection(done);
    doneWire.start();
    doneWire.head();
    await done.head;
    const text = done.text();
    doneWire.data('{}');
    doneWire.end();
    expect(await text).toBe('{}');
    later.cancel(new AbortedError('too late'));
    expect(done.failure).toBeUndefined();
    expect(doneWire.asked).toEqual([]);
  });

  it('a cancellation that came before the call fails it before anything is sent', async () => {
    const cancellation = new Cancellation();
    cancellation.cancel(new AbortedError('the other attempt of a hedge answered first'));
    const handler = new AttemptHandler(new ManualClock(), ctx, undefined, undefined, cancellation);
    await expect(handler.head).rejects.toMatchObject({ code: 'aborted' });
    const wire = connection(handler);
    wire.start();
    expect(wire.asked).toEqual(['abort']);
  });

  it('stops following the deadline once the attempt is over', async () => {
    const clock = new ManualClock();
    const deadline = Deadline.after(100, clock);
    const { handler, wire } = await answered({ clock, deadline });
    const text = handler.text();
    wire.data('{}');
    wire.end();
    expect(await text).toBe('{}');
    await clock.advance(100);
    expect(handler.failure).toBeUndefined();
    expect(wire.asked).toEqual([]);
  });

  it('the deadline firing mid-body fails the read with deadline_exceeded and destroys the connection', async () => {
    const clock = new ManualClock();
    const deadline = Deadline.after(100, clock);
    const { handler, wire } = await answered({ clock, deadline });
    wire.data('data: 1\n\n');
    expect((await handler.read())?.toString()).toBe('data: 1\n\n');
    const next = handler.read();
    await clock.advance(100);
    await expect(next).rejects.toBe(deadline.error);
    expect(wire.asked).toEqual(['abort']);
    // A socket error that follows the abort changes nothing.
    wire.fail(new Error('other side closed'));
    expect(handler.failure).toBe(deadline.error);
  });

  it('a network failure is classified, with the request id of the answer', async () => {
    const { handler, wire } = await answered({ headers: { 'request-id': 'req_a' } });
    const text = handler.text();
    wire.fail(Object.assign(new Error('body timeout'), { code: 'UND_ERR_BODY_TIMEOUT' }));
    const err = (await text.catch((e: unknown) => e)) as TimeoutError;
    expect(err).toBeInstanceOf(TimeoutError);
    expect([err.phase, err.requestId]).toEqual(['idle', 'req_a']);
  });

  it('names the undici timer that fired: connect, first byte or idle', async () => {
    const phases: [string | undefined, number | undefined][] = [];
    for (const code of [
      'UND_ERR_CONNECT_TIMEOUT',
      'UND_ERR_HEADERS_TIMEOUT',
      'UND_ERR_BODY_TIMEOUT',
    ]) {
      const handler = new AttemptHandler(new ManualClock(), ctx);
      const wire = connection(handler);
      wire.fail(Object.assign(new Error(code), { code }));
      const err = (await handler.head.catch((e: unknown) => e)) as TimeoutError;
      phases.push([err.phase, err.timeoutMs]);
    }
    expect(phases).toEqual([
      ['connect', 5_000],
      ['first_byte', 30_000],
      ['idle', 15_000],
    ]);
  });

  it('pauses the connection past the high-water mark and resumes once the reader catches up', async () => {
    const { handler, wire } = await answered();
    const half = Buffer.alloc(BODY_HIGH_WATER_BYTES / 2, 'x');
    wire.data(half);
    expect(wire.asked).toEqual([]);
    wire.data(half);
    expect(wire.asked).toEqual(['pause']);
    expect(await handler.read()).toBe(half);
    expect(wire.asked).toEqual(['pause', 'resume']);
    expect(await handler.read()).toBe(half);
    wire.end();
    expect(await handler.read()).toBeUndefined();
  });

  it('a chunk that resuming delivers at once waits for the next read, in order', async () => {
    const { handler, wire } = await answered();
    const big = Buffer.alloc(BODY_HIGH_WATER_BYTES + 1, 'a');
    const next = Buffer.from('b');
    // undici's parser delivers what it had buffered from inside resume().
    const resume = wire.controller.resume.bind(wire.controller);
    let buffered: Buffer | undefined = next;
    wire.controller.resume = () => {
      resume();
      const chunk = buffered;
      buffered = undefined;
      if (chunk) wire.data(chunk);
    };
    const first = handler.read(); // waiting: nothing has arrived yet
    wire.data(big); // pauses, wakes the read, which resumes, which delivers `next`
    expect(await first).toBe(big);
    expect(await handler.read()).toBe(next);
    wire.end();
    expect(await handler.read()).toBeUndefined();
    expect(wire.asked).toEqual(['pause', 'resume']);
  });

  it('text() never pauses: it reads the whole body', async () => {
    const { handler, wire } = await answered();
    const text = handler.text();
    for (let i = 0; i < 4; i++) wire.data(Buffer.alloc(BODY_HIGH_WATER_BYTES, 'y'));
    wire.end();
    expect((await text).length).toBe(4 * BODY_HIGH_WATER_BYTES);
    expect(wire.asked).toEqual([]);
  });

  it('cancel() fails a pending read with its reason and destroys the connection; later calls change nothing', async () => {
    const { handler, wire } = await answered();
    const next = handler.read();
    const reason = new AbortedError('response body cancelled', ctx);
    handler.cancel(reason);
    handler.cancel(new AbortedError('again', ctx));
    await expect(next).rejects.toBe(reason);
    expect(wire.asked).toEqual(['abort']);
  });

  describe('readBounded', () => {
    const started = () => answered({ status: 429, headers: {} });

    it('reads a short body whole', async () => {
      const { handler, wire } = await started();
      const read = handler.readBounded(1024);
      wire.data('{"error":');
      wire.data('{}}');
      wire.end();
      expect(await read).toEqual({ text: '{"error":{}}', truncated: false });
    });

    it('stops at the bound and destroys the connection rather than draining it', async () => {
      const { handler, wire } = await started();
      const read = handler.readBounded(1000);
      wire.data('a'.repeat(600));
      wire.data('b'.repeat(600));
      expect(await read).toEqual({ text: 'a'.repeat(600) + 'b'.repeat(400), truncated: true });
      expect(wire.asked).toEqual(['abort']);
    });

    it('cuts what had already arrived before the read began', async () => {
      const { handler, wire } = await started();
      wire.data('c'.repeat(50));
      expect(await handler.readBounded(20)).toEqual({ text: 'c'.repeat(20), truncated: true });
      expect(wire.asked).toEqual(['abort']);
    });

    it('cuts across several chunks that had arrived before the read began', async () => {
      const { handler, wire } = await started();
      wire.data('a'.repeat(30));
      wire.data('b'.repeat(30));
      expect(await handler.readBounded(20)).toEqual({ text: 'a'.repeat(20), truncated: true });
      expect(wire.asked).toEqual(['abort']);
    });

    it('keeps what arrived when the read fails on its own, and reports no abort', async () => {
      const { handler, wire } = await started();
      const read = handler.readBounded(1024);
      wire.data('partial');
      wire.fail(Object.assign(new Error('reset'), { code: 'ECONNRESET' }));
      expect(await read).toEqual({ text: 'partial', truncated: false });
    });

    it("reports the caller's abort when it broke the read", async () => {
      const caller = new AbortController();
      const handler = new AttemptHandler(new ManualClock(), ctx, caller.signal);
      const wire = connection(handler);
      wire.start();
      wire.head(503, {});
      await handler.head;
      const read = handler.readBounded(1024);
      wire.data('{"err');
      caller.abort(new Error('gone'));
      const { text, aborted } = await read;
      expect(text).toBe('{"err');
      expect((aborted as BreakwaterError).code).toBe('aborted');
    });
  });
});
