import { describe, expect, it } from 'vitest';
import { downStatus, drawFault } from './faults.ts';
import type { Fault } from './scenario.ts';

const faults: Fault[] = [
  { kind: 'status', status: 500, probability: 0.1 },
  { kind: 'status', status: 529, probability: 0.1, dialect: 'anthropic' },
  { kind: 'hang', probability: 0.05 },
];

describe('drawFault', () => {
  it('stacks probabilities on one draw, skipping faults of the other dialect', () => {
    expect(drawFault(faults, 'anthropic', 0.05)?.kind).toBe('status');
    expect(drawFault(faults, 'anthropic', 0.15)).toMatchObject({ status: 529 });
    expect(drawFault(faults, 'anthropic', 0.22)?.kind).toBe('hang');
    expect(drawFault(faults, 'anthropic', 0.26)).toBeUndefined();
    expect(drawFault(faults, 'openai', 0.12)?.kind).toBe('hang');
    expect(drawFault(faults, 'openai', 0.16)).toBeUndefined();
  });
});

describe('downStatus', () => {
  const windows = [
    { fromS: 10, toS: 20 },
    { fromS: 30, toS: Number.POSITIVE_INFINITY, status: 502 as const },
  ];
  it('answers inside a window only, with the dialect overload status by default', () => {
    expect(downStatus(windows, 9_999, 'openai')).toBeUndefined();
    expect(downStatus(windows, 10_000, 'openai')).toBe(503);
    expect(downStatus(windows, 15_000, 'anthropic')).toBe(529);
    expect(downStatus(windows, 20_000, 'openai')).toBeUndefined();
    expect(downStatus(windows, 1e9, 'anthropic')).toBe(502);
  });
});
