import { describe, expect, it } from 'vitest';
import { textTokenizer } from '../tokens/text-tokenizer.ts';
import { chunkText } from './chunk-text.ts';

const t = textTokenizer('gpt-4o');
const paragraph = (n: number, word: string) =>
  Array.from({ length: n }, (_, i) => `${word} sentence number ${i} ends here.`).join(' ');

describe('chunkText', () => {
  it('returns a text that fits as one chunk, and nothing for an empty text', () => {
    expect(chunkText('A short text.', { maxTokens: 50 })).toEqual(['A short text.']);
    expect(chunkText('', { maxTokens: 50 })).toEqual([]);
  });

  it('cuts between paragraphs when paragraphs fit, and gives the text back when joined', () => {
    const paras = [paragraph(3, 'alpha'), paragraph(3, 'beta'), paragraph(3, 'gamma')];
    const text = paras.join('\n\n');
    const max = t.count(`${paras[0]}\n\n`) + 2;
    const chunks = chunkText(text, { maxTokens: max });
    expect(chunks.join('')).toBe(text);
    expect(chunks).toHaveLength(3);
    expect(chunks[0]!.trim()).toBe(paras[0]);
    expect(chunks[1]!.trim()).toBe(paras[1]);
    for (const chunk of chunks) expect(t.count(chunk)).toBeLessThanOrEqual(max);
  });

  it('packs several small paragraphs into one chunk', () => {
    const text = ['One.', 'Two.', 'Three.', 'Four.'].join('\n\n');
    expect(chunkText(text, { maxTokens: 100 })).toEqual([text]);
  });

  it('cuts a paragraph too long for one chunk between sentences', () => {
    const text = paragraph(20, 'delta');
    const chunks = chunkText(text, { maxTokens: 40 });
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.join('')).toBe(text);
    for (const chunk of chunks) {
      expect(t.count(chunk)).toBeLessThanOrEqual(40);
      expect(chunk.trimEnd().endsWith('.')).toBe(true);
    }
  });

  it('cuts a sentence too long for one chunk between words', () => {
    const text = `${Array.from({ length: 200 }, (_, i) => `word${i}`).join(' ')}.`;
    const chunks = chunkText(text, { maxTokens: 30 });
    expect(chunks.join('')).toBe(text);
    for (const chunk of chunks) {
      expect(t.count(chunk)).toBeLessThanOrEqual(30);
      expect(chunk.startsWith('word')).toBe(true);
    }
  });

  it('cuts inside a word only when the word alone is over the budget', () => {
    const word = 'x'.repeat(400);
    const chunks = chunkText(`short ${word} tail`, { maxTokens: 10 });
    expect(chunks.join('')).toBe(`short ${word} tail`);
    for (const chunk of chunks) expect(t.count(chunk)).toBeLessThanOrEqual(10);
  });

  it('repeats the end of each chunk at the start of the next with overlap, within maxTokens', () => {
    const text = paragraph(30, 'epsilon');
    const chunks = chunkText(text, { maxTokens: 60, overlap: 15 });
    expect(chunks.length).toBeGreaterThan(2);
    for (let i = 1; i < chunks.length; i++) {
      const previous = chunks[i - 1]!;
      const head = chunks[i]!.split(' ').slice(0, 3).join(' ');
      expect(previous).toContain(head);
    }
    for (const chunk of chunks) expect(t.count(chunk)).toBeLessThanOrEqual(60);
  });

  it("counts in the model's tokens: a Claude model's estimate yields more chunks", () => {
    const text = paragraph(40, 'zeta');
    const gpt = chunkText(text, { maxTokens: 50, model: 'gpt-4o' });
    const claude = chunkText(text, { maxTokens: 50, model: 'claude-opus-4-7' });
    expect(claude.length).toBeGreaterThan(gpt.length);
    const c = textTokenizer('claude-opus-4-7');
    for (const chunk of claude) expect(c.count(chunk)).toBeLessThanOrEqual(50);
  });

  it('refuses options that cannot work, naming the option', () => {
    expect(() => chunkText('x', { maxTokens: 0 })).toThrow(/`maxTokens`/);
    expect(() => chunkText('x', { maxTokens: 10, overlap: 10 })).toThrow(/`overlap`/);
  });
});
