import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import { describe, expect, it } from 'vitest';
import { MAX_EXACT_CHARS, MAX_RUN_CHARS, openaiTokenizer } from './openai-encoding.ts';

describe('openaiTokenizer bounds', () => {
  const t = openaiTokenizer('o200k_base');

  it('counts ordinary text exactly, including words up to the run limit', () => {
    const text = `Hello, world. ${'x'.repeat(MAX_RUN_CHARS)} and <|endoftext|> more`;
    expect(t.count(text)).toBe(countTokens(text, { disallowedSpecial: new Set() }));
  });

  it('counts a run longer than the limit slice by slice', () => {
    const run = 'ab'.repeat(MAX_RUN_CHARS * 4);
    const slices = Math.ceil(run.length / MAX_RUN_CHARS);
    let expected = 0;
    for (let i = 0; i < slices; i++)
      expected += t.count(run.slice(i * MAX_RUN_CHARS, (i + 1) * MAX_RUN_CHARS));
    expect(t.count(run)).toBe(expected);
  });

  it('estimates a text above the exact limit from its length', () => {
    expect(t.count('a b '.repeat(MAX_EXACT_CHARS / 4 + 1))).toBe(
      Math.ceil((MAX_EXACT_CHARS + 4) / 4),
    );
  });
});
