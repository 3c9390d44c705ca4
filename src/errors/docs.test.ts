import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from './codes.ts';

const doc = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');

describe('docs/errors.md', () => {
  it.each(Object.entries(ERROR_CODES))(
    'has a row for %s that matches the code table',
    (code, info) => {
      const row = doc.split('\n').find((line) => line.startsWith(`| \`${code}\` |`));
      expect(row, `docs/errors.md needs a row for ${code}`).toBeDefined();
      const cells = row!.split('|').map((c) => c.trim());
      expect(cells[3]).toBe(String(info.status));
      expect(cells[4]).toBe(info.retryable ? 'yes' : 'no');
      expect(cells[5]).toBe(info.fallbackable ? 'yes' : 'no');
      expect(cells[6]).toBe(info.healthSignal ? 'yes' : 'no');
    },
  );
});
