import { describe, expect, it } from 'vitest';
import { parseDurationMs } from './duration.ts';

describe('parseDurationMs', () => {
  it.each([
    // Observed in OpenAI's x-ratelimit-reset-* headers.
    ['1s', 1000],
    ['6m0s', 360_000],
    ['20ms', 20],
    ['2ms', 2],
    ['12ms', 12],
    ['9ms', 9],
    ['60s', 60_000],
    ['3s', 3000],
    ['1.5s', 1500],
    // Groq's fractional values.
    ['2m59.56s', 179_560],
    ['7.66s', 7660],
    // The rest of Go's syntax.
    ['1h2m3.5s', 3_723_500],
    ['1.5h', 5_400_000],
    ['500us', 0.5],
    ['500µs', 0.5],
    ['500μs', 0.5],
    ['1500ns', 0.0015],
    ['.5s', 500],
    ['1.s', 1000],
    ['0', 0],
    ['+1s', 1000],
    ['-1.5s', -1500],
    [' 2s ', 2000],
    ['1m1ms', 60_001],
  ])('%s is %d ms', (input, expected) => {
    expect(parseDurationMs(input)).toBe(expected);
  });

  it.each([
    '',
    ' ',
    '1',
    '12',
    's',
    '.s',
    '1x',
    '1s ago',
    'abc',
    '1 s',
    '1..5s',
    'NaN',
    '-',
    '1e3s',
    '1s-2s',
  ])('rejects %j', (input) => {
    expect(parseDurationMs(input)).toBeUndefined();
  });
});
