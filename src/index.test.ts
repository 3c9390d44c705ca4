/**
 * The package entry (package.json `exports["."]`, built from this barrel) hands out the
 * context-window tools, and they work from there.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as breakwater from './index.ts';

describe('the package entry', () => {
  it('is the build of src/index.ts', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    expect(pkg.exports['.']).toEqual({ types: './dist/index.d.ts', import: './dist/index.js' });
  });

  it('exports chunkText, slidingWindow and compressHistory, working', async () => {
    const { chunkText, slidingWindow, compressHistory } = breakwater;
    const text = 'One paragraph here.\n\nAnother paragraph there.';
    expect(chunkText(text, { maxTokens: 5 }).join('')).toBe(text);
    const messages = [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'old question' },
      { role: 'assistant', content: 'old answer' },
      { role: 'user', content: 'new question' },
    ];
    expect(slidingWindow(messages, { maxTokens: 10_000 })).toEqual(messages);
    // Nothing older than the last four to summarise: given back as it is, with no call made
    // (test/integration/context-compress-history.test.ts runs it through the engine).
    const calls: unknown[] = [];
    const client: breakwater.SummaryCaller = {
      call: async (...args) => {
        calls.push(args);
        return { kind: 'stream' };
      },
    };
    expect(await compressHistory(messages, { route: 'cheap', client, keepLastN: 4 })).toEqual(
      messages,
    );
    expect(calls).toEqual([]);
  });
});
