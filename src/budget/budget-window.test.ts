import { describe, expect, it } from 'vitest';
import { windowAt } from './budget-window.ts';

describe('windowAt', () => {
  it('names UTC days and months by their start and says when they reset', () => {
    const now = Date.UTC(2026, 11, 31, 23, 59, 59);
    expect(windowAt('day', now)).toEqual({
      kind: 'day',
      id: '2026-12-31',
      resetsAt: Date.UTC(2027, 0, 1),
    });
    expect(windowAt('month', now)).toEqual({
      kind: 'month',
      id: '2026-12',
      resetsAt: Date.UTC(2027, 0, 1),
    });
    expect(windowAt('day', Date.UTC(2028, 1, 28, 12)).resetsAt).toBe(Date.UTC(2028, 1, 29));
  });
});
