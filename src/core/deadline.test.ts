import { describe, expect, it } from 'vitest';
import { TimeoutError } from '../errors/index.ts';
import { ManualClock } from './clock.ts';
import { Deadline } from './deadline.ts';

describe('Deadline', () => {
  it('counts down on the injected clock', async () => {
    const clock = new ManualClock(1_000);
    const deadline = Deadline.after(500, clock);
    expect(deadline.atMs).toBe(1_500);
    expect(deadline.totalMs).toBe(500);
    expect(deadline.remainingMs()).toBe(500);
    await clock.advance(200);
    expect(deadline.remainingMs()).toBe(300);
    expect(deadline.expired).toBe(false);
    await clock.advance(300);
    expect(deadline.remainingMs()).toBe(0);
    expect(deadline.expired).toBe(true);
    await clock.advance(100);
    expect(deadline.remainingMs()).toBe(0);
  });

  it('at() takes an epoch time; one in the past is expired from the start', () => {
    const clock = new ManualClock(10_000);
    expect(Deadline.at(12_000, clock).totalMs).toBe(2_000);
    const past = Deadline.at(9_000, clock);
    expect(past.expired).toBe(true);
    expect(past.totalMs).toBe(0);
    expect(past.signal.aborted).toBe(true);
  });

  it('creates no timer until the signal is read, then exactly one', async () => {
    const clock = new ManualClock();
    const deadline = Deadline.after(1_000, clock);
    expect(clock.pending).toBe(0);
    const signal = deadline.signal;
    expect(deadline.signal).toBe(signal);
    expect(clock.pending).toBe(1);
    deadline.dispose();
  });

  it('aborts its signal with a deadline TimeoutError when time is up', async () => {
    const clock = new ManualClock();
    const deadline = Deadline.after(1_000, clock, { provider: 'openai', model: 'gpt-4o' });
    const signal = deadline.signal;
    await clock.advance(999);
    expect(signal.aborted).toBe(false);
    await clock.advance(1);
    expect(signal.aborted).toBe(true);
    const reason = signal.reason as TimeoutError;
    expect(reason).toBeInstanceOf(TimeoutError);
    expect(reason.code).toBe('deadline_exceeded');
    expect(reason.phase).toBe('deadline');
    expect(reason.timeoutMs).toBe(1_000);
    expect(reason.message).toContain('deadline of 1000 ms');
    expect(reason).toBe(deadline.error);
    expect(clock.pending).toBe(0);
  });

  it('dispose() clears the timer and the signal then never fires', async () => {
    const clock = new ManualClock();
    const deadline = Deadline.after(1_000, clock);
    const signal = deadline.signal;
    deadline.dispose();
    expect(clock.pending).toBe(0);
    await clock.advance(5_000);
    expect(signal.aborted).toBe(false);
    expect(deadline.expired).toBe(true);
    deadline.dispose();
  });

  it('works with `using`', () => {
    const clock = new ManualClock();
    {
      using deadline = Deadline.after(1_000, clock);
      void deadline.signal;
      expect(clock.pending).toBe(1);
    }
    expect(clock.pending).toBe(0);
  });

  it('throwIfExpired() throws the same error the signal carries', async () => {
    const clock = new ManualClock();
    const deadline = Deadline.after(10, clock);
    deadline.throwIfExpired();
    await clock.advance(10);
    expect(() => deadline.throwIfExpired()).toThrow(deadline.error);
  });

  it('rejects budgets that are not numbers of milliseconds', () => {
    const clock = new ManualClock();
    expect(() => Deadline.after(-1, clock)).toThrow('`ms`');
    expect(() => Deadline.after(Number.NaN, clock)).toThrow('`ms`');
    expect(() => Deadline.at(Number.POSITIVE_INFINITY, clock)).toThrow('`epochMs`');
  });

  describe('onExpire', () => {
    it('calls its listeners once when time is up, on the one timer the signal shares', async () => {
      const clock = new ManualClock();
      const deadline = Deadline.after(50, clock);
      const calls: string[] = [];
      deadline.onExpire(() => calls.push('a'));
      deadline.onExpire(() => calls.push('b'));
      const signal = deadline.signal;
      expect(clock.pending).toBe(1);
      await clock.advance(49);
      expect(calls).toEqual([]);
      await clock.advance(1);
      expect(calls).toEqual(['a', 'b']);
      expect(signal.reason).toBe(deadline.error);
      await clock.advance(1_000);
      expect(calls).toEqual(['a', 'b']);
    });

    it('stops calling a listener that stopped listening, even from inside another listener', async () => {
      const clock = new ManualClock();
      const deadline = Deadline.after(10, clock);
      const calls: string[] = [];
      let stopB = () => {};
      deadline.onExpire(() => {
        calls.push('a');
        stopB();
      });
      stopB = deadline.onExpire(() => calls.push('b'));
      const stopC = deadline.onExpire(() => calls.push('c'));
      stopC();
      await clock.advance(10);
      // b was still listening when the deadline fired: the listeners of that moment all run.
      expect(calls).toEqual(['a', 'b']);
    });

    it('never calls after dispose(), and arms no timer once disposed', async () => {
      const clock = new ManualClock();
      const deadline = Deadline.after(10, clock);
      let called = false;
      deadline.onExpire(() => {
        called = true;
      });
      deadline.dispose();
      expect(clock.pending).toBe(0);
      deadline.onExpire(() => {
        called = true;
      });
      expect(clock.pending).toBe(0);
      await clock.advance(10);
      expect(called).toBe(false);
    });
  });
});
