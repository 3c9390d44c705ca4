import { describe, expect, it } from 'vitest';
import { PromptCalibration } from './calibration.ts';

describe('PromptCalibration', () => {
  it('applies nothing before it has seen an answer', () => {
    expect(new PromptCalibration().apply('openai/gpt-4o', 100)).toBe(100);
  });

  it('adopts the first ratio, then moves toward new ones by alpha', () => {
    const c = new PromptCalibration({ alpha: 0.5 });
    c.observe('t', 100, 120);
    expect(c.ratio('t')).toBeCloseTo(1.2);
    c.observe('t', 100, 100);
    expect(c.ratio('t')).toBeCloseTo(1.1);
    expect(c.apply('t', 10)).toBe(11);
    expect(c.ratio('other')).toBe(1);
  });

  it('clamps garbled reports and ignores empty ones', () => {
    const c = new PromptCalibration({ minRatio: 0.5, maxRatio: 3 });
    c.observe('t', 10, 1_000_000);
    expect(c.ratio('t')).toBe(3);
    c.observe('u', 10, 0);
    c.observe('u', 0, 10);
    expect(c.ratio('u')).toBe(1);
  });

  it('round-trips through toJSON and forgets the oldest key past maxKeys', () => {
    const c = new PromptCalibration({ maxKeys: 2 });
    c.observe('a', 10, 20);
    c.observe('b', 10, 15);
    c.observe('c', 10, 12);
    expect(c.toJSON()).toEqual({ b: 1.5, c: 1.2 });
    const d = new PromptCalibration();
    d.restore(c.toJSON());
    expect(d.ratio('b')).toBe(1.5);
  });
});
