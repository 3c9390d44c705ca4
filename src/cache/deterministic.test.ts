import { describe, expect, it } from 'vitest';
import { isDeterministic } from './deterministic.ts';

const messages = [{ role: 'user', content: 'hi' }];

describe('isDeterministic', () => {
  it.each<[string, Record<string, unknown>, boolean]>([
    ['temperature 0', { temperature: 0 }, true],
    ['a seed', { seed: 42, temperature: 0.7 }, true],
    ['no temperature (the default, 1)', {}, false],
    ['temperature 0.2', { temperature: 0.2 }, false],
    ['a null seed', { seed: null, temperature: 1 }, false],
    ['n > 1, even at temperature 0', { temperature: 0, n: 2 }, false],
    ['n = 1 at temperature 0', { temperature: 0, n: 1 }, true],
  ])('openai: %s → %s', (_name, params, expected) => {
    expect(isDeterministic('openai', { model: 'gpt-4o', messages, ...params })).toBe(expected);
  });

  it.each<[string, Record<string, unknown>, boolean]>([
    ['temperature 0', { temperature: 0 }, true],
    ['top_k 1', { top_k: 1 }, true],
    ['no temperature', {}, false],
    ['top_k 5', { top_k: 5 }, false],
    ['a seed (Anthropic has none)', { seed: 42 }, false],
    [
      'thinking enabled',
      { temperature: 0, thinking: { type: 'enabled', budget_tokens: 1024 } },
      false,
    ],
    ['thinking disabled', { temperature: 0, thinking: { type: 'disabled' } }, true],
  ])('anthropic: %s → %s', (_name, params, expected) => {
    const request = { model: 'claude-sonnet-4-5', max_tokens: 100, messages, ...params };
    expect(isDeterministic('anthropic', request)).toBe(expected);
  });
});
