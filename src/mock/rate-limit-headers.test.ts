import { describe, expect, it } from 'vitest';
import { goDuration, rfc3339, roundToThousand } from './rate-limit-headers.ts';

describe('goDuration', () => {
  it.each([
    [0, '0s'],
    [2, '2ms'],
    [20, '20ms'],
    [1000, '1s'],
    [1500, '1.5s'],
    [1146, '1.146s'],
    [60_000, '1m0s'],
    [360_000, '6m0s'],
    [179_560, '2m59.56s'],
    [3_600_000, '1h0m0s'],
    [0.4, '1ms'],
  ])('%f ms is %s', (ms, text) => {
    expect(goDuration(ms)).toBe(text);
  });
});

describe('rfc3339', () => {
  it('prints whole seconds, rounded up', () => {
    expect(rfc3339(Date.UTC(2025, 7, 21, 12, 40, 59))).toBe('2025-08-21T12:40:59Z');
    expect(rfc3339(Date.UTC(2025, 7, 21, 12, 40, 59, 1))).toBe('2025-08-21T12:41:00Z');
  });
});

describe('roundToThousand', () => {
  it('rounds to the nearest thousand, never below zero', () => {
    expect(roundToThousand(79_499)).toBe(79_000);
    expect(roundToThousand(79_500)).toBe(80_000);
    expect(roundToThousand(-300)).toBe(0);
  });
});
