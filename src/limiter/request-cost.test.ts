import { describe, expect, it } from 'vitest';
import { emptyUsage, type Usage } from '../dialects/usage.ts';
import { reconcileDelta } from './reconcile.ts';
import { requestedMaxOutput, reserve } from './request-cost.ts';

const usage = (u: Partial<Usage>): Usage => ({ ...emptyUsage(), ...u });

describe('reservation', () => {
  it('reserves prompt + max_tokens, the larger of two maximums, times n', () => {
    expect(requestedMaxOutput('openai', { max_tokens: 100, max_completion_tokens: 300 })).toBe(300);
    expect(requestedMaxOutput('openai', { max_completion_tokens: 50, n: 3 })).toBe(150);
    expect(requestedMaxOutput('anthropic', { max_tokens: 64, n: 3 })).toBe(64);
    expect(requestedMaxOutput('openai', {})).toBeUndefined();
    expect(reserve('openai', { max_tokens: 100 }, 40, 1024)).toEqual({
      cost: { requests: 1, tokens: 140, input: 40, output: 100 },
      promptTokens: 40,
      outputTokens: 100,
      explicitMax: true,
    });
    expect(reserve('openai', {}, 40, 1024).cost.tokens).toBe(1064);
  });
});

describe('reconciliation', () => {
  const r = reserve('openai', { max_tokens: 100 }, 40, 1024);

  it('OpenAI: corrects the prompt, keeps the whole max_tokens (TPM counts it)', () => {
    expect(
      reconcileDelta('openai', r, usage({ inputTokens: 45, outputTokens: 10 }), 'reserved', true),
    ).toEqual({
      input: 5,
      output: 0,
      tokens: 5,
    });
  });

  it('OpenAI without max_tokens: the assumed output is reconciled to what was generated', () => {
    const assumed = reserve('openai', {}, 40, 1024);
    const d = reconcileDelta(
      'openai',
      assumed,
      usage({ inputTokens: 40, outputTokens: 24 }),
      'reserved',
      true,
    );
    expect(d).toEqual({ input: 0, output: -1000, tokens: -1000 });
  });

  it('Anthropic: output refunded to the tokens generated; cache reads do not count as input', () => {
    const a = reserve('anthropic', { max_tokens: 100 }, 40, 1024);
    const d = reconcileDelta(
      'anthropic',
      a,
      usage({
        inputTokens: 10,
        cacheReadInputTokens: 30,
        cacheCreationInputTokens: 2,
        outputTokens: 25,
      }),
      'actual',
      true,
    );
    expect(d).toEqual({ input: -28, output: -75, tokens: -103 });
  });

  it('keeps the reservation when usage is unknown, and the output when the call failed part-way', () => {
    expect(reconcileDelta('openai', r, undefined, 'reserved', false)).toEqual({});
    const a = reserve('anthropic', { max_tokens: 100 }, 40, 1024);
    expect(
      reconcileDelta('anthropic', a, usage({ inputTokens: 40, outputTokens: 5 }), 'actual', false),
    ).toEqual({
      input: 0,
      output: 0,
      tokens: 0,
    });
  });
});
