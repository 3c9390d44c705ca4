import { describe, expect, it } from 'vitest';
import { assertSafeBind, isLoopback } from './safe-bind.ts';

describe('safe bind', () => {
  it('knows loopback addresses', () => {
    for (const h of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]']) {
      expect(isLoopback(h)).toBe(true);
    }
    for (const h of ['0.0.0.0', '::', '10.0.0.1', 'example.com', '128.0.0.1']) {
      expect(isLoopback(h)).toBe(false);
    }
  });

  it('refuses a public bind without client keys, allows it with keys', () => {
    expect(() => assertSafeBind('0.0.0.0', 0)).toThrow(
      /without client keys.*BREAKWATER_CLIENT_KEYS/s,
    );
    expect(() => assertSafeBind('0.0.0.0', 1)).not.toThrow();
    expect(() => assertSafeBind('127.0.0.1', 0)).not.toThrow();
  });
});
