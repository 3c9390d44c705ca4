import { describe, expect, it } from 'vitest';
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
});

describe('systemClock', () => {
  it('rejects at once when the signal is already aborted', async () => {
    const ac = new AbortController();
    ac.abort(new Error('done'));
    await expect(systemClock.sleep(10_000, ac.signal)).rejects.toThrow('done');
  });
});
