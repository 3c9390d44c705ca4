import { describe, expect, it } from 'vitest';
import { type Cancellable, Cancellation } from './cancellation.ts';

const follower = () => {
  const told: Error[] = [];
  const f: Cancellable = { cancelled: (reason) => told.push(reason) };
  return { f, told };
};

describe('Cancellation', () => {
  it('tells its follower once, with the first reason', () => {
    const c = new Cancellation();
    const { f, told } = follower();
    c.follow(f);
    expect(c.reason).toBeUndefined();
    const first = new Error('first');
    c.cancel(first);
    c.cancel(new Error('second'));
    expect(told).toEqual([first]);
    expect(c.reason).toBe(first);
  });

  it('tells only the latest follower, and none once unfollowed', () => {
    const c = new Cancellation();
    const a = follower();
    const b = follower();
    c.follow(a.f);
    c.follow(b.f);
    c.unfollow(a.f); // not the one followed: changes nothing
    c.unfollow(b.f);
    c.cancel(new Error('x'));
    expect([a.told.length, b.told.length]).toEqual([0, 0]);
    expect(c.reason?.message).toBe('x');
  });

  it('tells nothing to a follower that came after it was cancelled: it reads `reason`', () => {
    const c = new Cancellation();
    c.cancel(new Error('early'));
    const { f, told } = follower();
    c.follow(f);
    expect(told).toEqual([]);
    expect(c.reason?.message).toBe('early');
  });
});
