import { describe, expect, it, vi } from 'vitest';
import { ManualClock, systemClock } from './clock.ts';

describe('ManualClock', () => {
  it('wakes sleepers in time order as it advances', async () => {
    const clock = new ManualClock(1000);
    const woke: string[] = [];
    void clock.sleep(300).then(() => woke.push(`b@${clock.now()}`));
    void clock.sleep(100).then(() => woke.push(`a@${clock.now()}`));
    await clock.advance(150);
    expect(woke).toEqual(['a@1100']);
    await clock.advance(1000);
    expect(woke).toEqual(['a@1100', 'b@1300']);
    expect(clock.now()).toBe(2150);
  });

  it('rejects a sleep with the abort reason and forgets it', async () => {
    const clock = new ManualClock();
    const ac = new AbortController();
    const slept = clock.sleep(1000, ac.signal);
    ac.abort(new Error('caller gave up'));
    await expect(slept).rejects.toThrow('caller gave up');
    expect(clock.pending).toBe(0);
  });

  it('fires a timer at its time, in order with sleepers, unless it was cancelled', async () => {
    const clock = new ManualClock(0);
    const fired: string[] = [];
    clock.timer(200, () => fired.push(`t1@${clock.now()}`));
    const cancel = clock.timer(100, () => fired.push('never'));
    void clock.sleep(150).then(() => fired.push(`s@${clock.now()}`));
    cancel();
    cancel();
    await clock.advance(500);
    expect(fired).toEqual(['s@150', 't1@200']);
    expect(clock.pending).toBe(0);
  });
});

describe('systemClock', () => {
  it('rejects at once when the signal is already aborted', async () => {
    const ac = new AbortController();
    ac.abort(new Error('done'));
    await expect(systemClock.sleep(10_000, ac.signal)).rejects.toThrow('done');
  });

  it('fires a timer once, or never when cancelled first', () => {
    vi.useFakeTimers();
    try {
      const fired: string[] = [];
      systemClock.timer(10, () => fired.push('kept'));
      const cancel = systemClock.timer(5, () => fired.push('cancelled'));
      cancel();
      vi.advanceTimersByTime(100);
      expect(fired).toEqual(['kept']);
    } finally {
      vi.useRealTimers();
    }
  });
});
