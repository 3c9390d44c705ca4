import { describe, expect, it } from 'vitest';
import type { Priority } from './admission.ts';
import { WaitQueue } from './wait-queue.ts';

const item = (priority: Priority, name: string) => ({ priority, name });

describe('WaitQueue', () => {
  it('serves high before normal before low, first in first out within a class', () => {
    const q = new WaitQueue<ReturnType<typeof item>>(10);
    for (const [p, n] of [
      ['low', 'l1'],
      ['normal', 'n1'],
      ['high', 'h1'],
      ['normal', 'n2'],
      ['high', 'h2'],
      ['low', 'l2'],
    ] as const)
      q.push(item(p, n));
    const order: string[] = [];
    for (let i = q.shift(); i; i = q.shift()) order.push(i.name);
    expect(order).toEqual(['h1', 'h2', 'n1', 'n2', 'l1', 'l2']);
  });

  it('is bounded across all classes', () => {
    const q = new WaitQueue<ReturnType<typeof item>>(2);
    expect(q.push(item('low', 'a'))).toBe(true);
    expect(q.push(item('high', 'b'))).toBe(true);
    expect(q.full).toBe(true);
    expect(q.push(item('high', 'c'))).toBe(false);
    expect(q.depths()).toEqual({ high: 1, normal: 0, low: 1 });
  });

  it('lists who goes before a newcomer, and removes a cancelled waiter', () => {
    const q = new WaitQueue<ReturnType<typeof item>>(10);
    const h = item('high', 'h');
    const n = item('normal', 'n');
    const l = item('low', 'l');
    q.push(l);
    q.push(n);
    q.push(h);
    expect([...q.ahead('normal')].map((i) => i.name)).toEqual(['h', 'n']);
    expect([...q.ahead('high')].map((i) => i.name)).toEqual(['h']);
    expect(q.anyAhead('high')).toBe(true);
    expect(q.anyAhead('normal')).toBe(true);
    expect(q.remove(n)).toBe(true);
    expect(q.remove(n)).toBe(false);
    expect(q.size).toBe(2);
    expect(q.peek()?.name).toBe('h');
    q.remove(h);
    expect(q.anyAhead('normal')).toBe(false);
    expect(q.anyAhead('low')).toBe(true);
  });
});
