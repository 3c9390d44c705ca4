import { describe, expect, it } from 'vitest';
import type { Usage } from '../dialects/usage.ts';
import { CostMeter } from './cost.ts';

const usage: Usage = {
  inputTokens: 1_000_000,
  outputTokens: 1_000_000,
  cacheReadInputTokens: 0,
  cacheCreationInputTokens: 0,
  reasoningTokens: 0,
  estimated: false,
};

describe('CostMeter', () => {
  it("prices a target's usage at the catalog's prices, the same each time it is asked", () => {
    const meter = new CostMeter();
    expect(meter.costOf('openai/gpt-4o-mini', usage)).toBeCloseTo(0.75);
    expect(meter.costOf('openai/gpt-4o-mini', usage)).toBeCloseTo(0.75);
    expect(meter.costOf('gpt-4o-mini', usage)).toBeCloseTo(0.75);
  });

  it("applies the config's overrides, per provider", () => {
    const meter = new CostMeter({ 'openai/gpt-4o-mini': { outputUsdPerMTok: 1 } });
    expect(meter.costOf('openai/gpt-4o-mini', usage)).toBeCloseTo(1.15);
    expect(meter.costOf('azure/gpt-4o-mini', usage)).toBeCloseTo(0.75);
  });

  it('has no figure for a target it cannot price, nor without usage', () => {
    const meter = new CostMeter();
    expect(meter.costOf('openai/no-such-model', usage)).toBeUndefined();
    expect(meter.costOf('openai/no-such-model', usage)).toBeUndefined();
    expect(meter.costOf(undefined, usage)).toBeUndefined();
    expect(meter.costOf('openai/gpt-4o-mini', undefined)).toBeUndefined();
  });

  it('stays right past the bound of targets it remembers', () => {
    const meter = new CostMeter();
    for (let i = 0; i < 1100; i++) meter.costOf(`openai/model-${i}`, usage);
    expect(meter.costOf('openai/gpt-4o-mini', usage)).toBeCloseTo(0.75);
  });
});
