import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { AbortedError, TimeoutError } from '../errors/index.ts';
import { ManualClock } from './clock.ts';
import { Deadline } from './deadline.ts';
import { linkSignals, toAbortError } from './signals.ts';

describe('linkSignals', () => {
  it('gives no signal for nothing and the signal itself for one', () => {
    const ac = new AbortController();
    expect(linkSignals().signal).toBeUndefined();
    expect(linkSignals(undefined, null).signal).toBeUndefined();
    expect(linkSignals(undefined, ac.signal).signal).toBe(ac.signal);
    expect(getEventListeners(ac.signal, 'abort')).toHaveLength(0);
  });

  it('combines the caller, the deadline and a per-attempt timer; the first reason wins', async () => {
    const clock = new ManualClock();
    const caller = new AbortController();
    const deadline = Deadline.after(1_000, clock);
    const perTry = Deadline.after(300, clock);
    const combined = linkSignals(caller.signal, deadline.signal, perTry.signal).signal!;
    await clock.advance(300);
    expect(combined.aborted).toBe(true);
    expect(combined.reason).toBe(perTry.error);
    caller.abort(new Error('later'));
    await clock.advance(1_000);
    expect(combined.reason).toBe(perTry.error);
    deadline.dispose();
  });

  it('follows the caller when it aborts first', async () => {
    const clock = new ManualClock();
    const caller = new AbortController();
    const deadline = Deadline.after(1_000, clock);
    const combined = linkSignals(caller.signal, deadline.signal).signal!;
    const reason = new Error('user left');
    caller.abort(reason);
    expect(combined.reason).toBe(reason);
    await clock.advance(1_000);
    expect(combined.reason).toBe(reason);
  });

  it('returns an input that already aborted', () => {
    const done = new AbortController();
    done.abort('x');
    expect(linkSignals(new AbortController().signal, done.signal).signal).toBe(done.signal);
  });

  it('leaves no listener on a long-lived input once unlinked, or once it fired', () => {
    const app = new AbortController();
    for (let i = 0; i < 100; i++) {
      const request = new AbortController();
      const link = linkSignals(app.signal, request.signal);
      if (i % 2 === 0) request.abort(new Error('done'));
      link.unlink();
      link.unlink();
    }
    expect(getEventListeners(app.signal, 'abort')).toHaveLength(0);
    const request = new AbortController();
    const link = linkSignals(app.signal, request.signal);
    expect(getEventListeners(app.signal, 'abort')).toHaveLength(1);
    app.abort(new Error('shutting down'));
    expect(link.signal?.reason).toEqual(new Error('shutting down'));
    expect(getEventListeners(request.signal, 'abort')).toHaveLength(0);
  });

  it('stops following its inputs after unlink', () => {
    const caller = new AbortController();
    const other = new AbortController();
    const link = linkSignals(caller.signal, other.signal);
    link.unlink();
    caller.abort(new Error('too late'));
    expect(link.signal?.aborted).toBe(false);
  });
});

describe('toAbortError', () => {
  it('lets a breakwater error through and wraps anything else as aborted', () => {
    const timeout = new TimeoutError('deadline', 10);
    expect(toAbortError(timeout)).toBe(timeout);
    const aborted = toAbortError(new Error('client went away'), { provider: 'openai' });
    expect(aborted).toBeInstanceOf(AbortedError);
    expect(aborted.code).toBe('aborted');
    expect(aborted.message).toContain('client went away');
  });
});
