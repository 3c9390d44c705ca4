import { describe, expect, it } from 'vitest';
import { addSecretValue, scrubSecretValues, scrubSecretValuesDeep } from './secret-values.ts';

const KEY = 'PLAINKEY-example-0008hhhh';

// The values are the process's for its whole life (there is no way to forget one): each test
// adds the one it needs, and none relies on a value being absent.

describe('scrubSecretValues', () => {
  it('takes out a key of no known shape, whole, cut short or masked as providers echo it', () => {
    addSecretValue(KEY);
    const shapes = [
      `Incorrect API key provided: ${KEY}.`,
      'Incorrect API key provided: PLAINKEY**********hhhh. You can find your API key at …',
      'key PLAINKEY-exam is not valid',
      'key "PL***********************" rejected',
      'key ****************hhhh rejected',
      'key PLAI...hhhh rejected',
      `{"message":"bad key ${KEY}","code":401}`,
    ];
    for (const text of shapes) {
      const out = scrubSecretValues(text);
      expect(out, text).toContain('[redacted]');
      expect(out, text).not.toContain('PLAINKEY');
      expect(out, text).not.toContain('hhhh');
    }
  });

  it('leaves text without a key alone, without copying it', () => {
    addSecretValue(KEY);
    const text = '{"level":"info","msg":"request","path":"/v1/chat/completions"}';
    expect(scrubSecretValues(text)).toBe(text);
    // Mask characters that belong to no key stay.
    expect(scrubSecretValues('a **bold** word and ... more')).toBe('a **bold** word and ... more');
  });

  it('ignores values too short to tell from ordinary words', () => {
    addSecretValue('abc');
    expect(scrubSecretValues('abc def')).toBe('abc def');
  });

  it('scrubs every string of a JSON value, copying only what changed', () => {
    addSecretValue(KEY);
    const clean = { a: 'x' };
    const body = { error: { message: `no ${KEY}` }, list: [KEY, 1], clean };
    const out = scrubSecretValuesDeep(body);
    expect(JSON.stringify(out)).not.toContain('PLAINKEY');
    expect(out.clean).toBe(clean);
    expect(body.error.message).toContain(KEY);
  });

  it('keeps JSON text valid when scrubbing a line', () => {
    addSecretValue(KEY);
    const line = JSON.stringify({ msg: `upstream said "${KEY}" and PLAINKEY****hhhh` });
    expect(() => JSON.parse(scrubSecretValues(line))).not.toThrow();
  });
});
