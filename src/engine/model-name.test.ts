import { describe, expect, it } from 'vitest';
import type { BreakwaterError } from '../errors/index.ts';
import { checkModelName, MAX_MODEL_NAME_LENGTH } from './model-name.ts';

function refusal(name: string): BreakwaterError | undefined {
  try {
    checkModelName(name, 'model');
    return undefined;
  } catch (err) {
    return err as BreakwaterError;
  }
}

describe('checkModelName', () => {
  it('accepts route names and provider/model targets a header can carry', () => {
    for (const name of [
      'chat',
      'openai/gpt-4o-mini',
      'openrouter/meta-llama/llama-3.1-8b',
      'café',
    ]) {
      expect(refusal(name)).toBeUndefined();
    }
  });

  it('refuses control characters, characters beyond Latin-1 and overlong names, naming model', () => {
    const cases: [string, RegExp][] = [
      ['gpt\u0000', /control character \(U\+0000\) at position 3/],
      ['gpt\t4o', /control character \(U\+0009\)/],
      ['gpt\u007f', /U\+007F/],
      ['openai/модель', /"м", a character beyond Latin-1 at position 7/],
      ['x😀', /"😀"/],
      ['m'.repeat(MAX_MODEL_NAME_LENGTH + 1), /257 characters long/],
    ];
    for (const [name, message] of cases) {
      const err = refusal(name);
      expect(err?.code, name).toBe('validation');
      expect(err?.status).toBe(400);
      expect(err?.param).toBe('model');
      expect(err?.message).toMatch(message);
    }
  });
});
