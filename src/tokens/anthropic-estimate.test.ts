/**
 * The Claude estimate against Anthropic's published count_tokens examples: exact on the two it
 * was fitted to, and its error on the held-out one printed and bounded. The tokenizer-generation
 * switch and the per-script factor of the Opus 4.7 tokenizer are checked on the fixed corpus.
 */
import { describe, expect, it } from 'vitest';
import {
  estimateAnthropicPrompt,
  newTokenizerRatio,
  usesNewClaudeTokenizer,
} from './anthropic-estimate.ts';
import { ANTHROPIC_PUBLISHED, TEXTS } from './corpus.fixture.ts';

const model = 'claude-sonnet-4-5';

describe('estimate vs Anthropic published counts', () => {
  const rows = ANTHROPIC_PUBLISHED.map(({ name, request, tokens }) => {
    const estimate = estimateAnthropicPrompt(request as Record<string, unknown>, { model });
    return { name, reference: tokens, estimate, error: (estimate - tokens) / tokens };
  });

  it('prints the error on every published example', () => {
    console.table(rows.map((r) => ({ ...r, error: `${(r.error * 100).toFixed(1)}%` })));
    expect(rows).toHaveLength(3);
  });

  it('reproduces the two examples it was calibrated on', () => {
    expect(rows[0]!.estimate).toBe(14);
    expect(Math.abs(rows[1]!.error)).toBeLessThan(0.01);
  });

  it('stays within 30% on the held-out example', () => {
    expect(Math.abs(rows[2]!.error)).toBeLessThan(0.3);
  });
});

describe('tokenizer generations', () => {
  it.each([
    ['claude-opus-4-7', true],
    ['claude-opus-4-8-20260528', true],
    ['claude-sonnet-5', true],
    ['claude-fable-5', true],
    ['claude-mythos-5', true],
    ['claude-opus-4-6', false],
    ['claude-opus-4-20250514', false],
    ['claude-sonnet-4-5-20250929', false],
    ['claude-haiku-4-5', false],
    ['claude-3-7-sonnet-latest', false],
  ])('%s uses the newer tokenizer: %s', (name, expected) => {
    expect(usesNewClaudeTokenizer(name)).toBe(expected);
  });

  it('inflates Latin prose most, code less, other scripts not at all', () => {
    expect(newTokenizerRatio(TEXTS.prose!)).toBeCloseTo(1.45, 2);
    expect(newTokenizerRatio(TEXTS.typescript!)).toBeCloseTo(1.2, 2);
    expect(newTokenizerRatio(TEXTS.japanese!)).toBe(1);
    expect(newTokenizerRatio(TEXTS.russian!)).toBe(1);
    expect(newTokenizerRatio(TEXTS.numbers!)).toBeGreaterThan(1);
  });

  it('counts more for the same prompt on the newer tokenizer', () => {
    const request = { messages: [{ role: 'user', content: TEXTS.prose }] };
    const before = estimateAnthropicPrompt(request, { model: 'claude-opus-4-6' });
    const after = estimateAnthropicPrompt(request, { model: 'claude-opus-4-7' });
    expect(after / before).toBeGreaterThan(1.3);
    expect(after / before).toBeLessThan(1.5);
  });
});

describe('request shapes', () => {
  it('ignores thinking of earlier turns and counts the turn being continued', () => {
    const thinking = { type: 'thinking', thinking: TEXTS.prose, signature: 'x' };
    const earlier = estimateAnthropicPrompt({
      messages: [
        { role: 'assistant', content: [thinking] },
        { role: 'user', content: 'ok' },
      ],
    });
    const withoutIt = estimateAnthropicPrompt({
      messages: [
        { role: 'assistant', content: [] },
        { role: 'user', content: 'ok' },
      ],
    });
    expect(earlier).toBe(withoutIt);
    const current = estimateAnthropicPrompt({
      messages: [
        { role: 'user', content: 'ok' },
        { role: 'assistant', content: [thinking] },
      ],
    });
    expect(current).toBeGreaterThan(withoutIt + 40);
  });

  it('charges images and PDFs by their rough size', () => {
    const image = estimateAnthropicPrompt({
      messages: [
        {
          role: 'user',
          content: [
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'AA' } },
          ],
        },
      ],
    });
    expect(image).toBe(3 + 3 + 1600);
    const pdf = estimateAnthropicPrompt({
      messages: [
        {
          role: 'user',
          content: [
            {
              type: 'document',
              source: { type: 'base64', media_type: 'application/pdf', data: 'A'.repeat(400_000) },
            },
          ],
        },
      ],
    });
    expect(pdf).toBe(3 + 3 + 9000);
  });
});
