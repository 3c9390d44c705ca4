import { describe, expect, it } from 'vitest';
import { ClientKeyring, hashClientKey, mayUse, parseClientKeysEnv } from './client-keys.ts';

const KEY_A = 'bw-team-a-0123456789abcdef';
const KEY_B = 'bw-team-b-0123456789abcdef';

describe('ClientKeyring', () => {
  it('finds the identity of a plain or hashed key, and nothing for other keys', () => {
    const ring = new ClientKeyring([
      { id: 'team-a', key: KEY_A },
      { id: 'team-b', keyHash: hashClientKey(KEY_B), routes: ['chat'] },
    ]);
    expect(ring.size).toBe(2);
    expect(ring.authenticate(KEY_A)?.id).toBe('team-a');
    expect(ring.authenticate(KEY_B)?.id).toBe('team-b');
    expect(ring.authenticate(`${KEY_A}x`)).toBeUndefined();
    expect(ring.authenticate('')).toBeUndefined();
    expect(mayUse(ring.authenticate(KEY_A), 'smart')).toBe(true);
    expect(mayUse(ring.authenticate(KEY_B), 'chat')).toBe(true);
    expect(mayUse(ring.authenticate(KEY_B), 'smart')).toBe(false);
    expect(mayUse(undefined, 'smart')).toBe(true);
  });

  it('accepts a bare hex digest and treats "*" as every route', () => {
    const hex = hashClientKey(KEY_A).slice('sha256:'.length);
    const ring = new ClientKeyring([{ id: 'a', keyHash: hex.toUpperCase(), routes: ['*'] }]);
    expect(ring.authenticate(KEY_A)?.routes).toBeUndefined();
  });

  it('refuses short keys, bad hashes, duplicates — without echoing the key', () => {
    const attempt = (inputs: unknown[]) => () => new ClientKeyring(inputs as never);
    expect(attempt([{ id: 'a', key: 'short-key' }])).toThrow(/at least 16 characters/);
    expect(attempt([{ id: 'a', keyHash: 'abc' }])).toThrow(/64 hex digits/);
    expect(attempt([{ id: 'a' }])).toThrow(/`key` or `keyHash`/);
    expect(attempt([{ id: 'a', key: KEY_A, keyHash: hashClientKey(KEY_A) }])).toThrow(/not both/);
    expect(attempt([{ id: 'bad id', key: KEY_A }])).toThrow(/`id`/);
    expect(attempt([{ id: 'a', key: KEY_A, routes: 'chat' }])).toThrow(/`routes`/);
    expect(
      attempt([
        { id: 'a', key: KEY_A },
        { id: 'a', key: KEY_B },
      ]),
    ).toThrow(/duplicate id/);
    expect(
      attempt([
        { id: 'a', key: KEY_A },
        { id: 'b', key: KEY_A },
      ]),
    ).toThrow(/listed twice/);
    try {
      new ClientKeyring([{ id: 'a', key: 'short key!' }]);
    } catch (err) {
      expect((err as Error).message).not.toContain('short key!');
    }
  });
});

describe('parseClientKeysEnv', () => {
  it('reads id:key pairs and bare keys', () => {
    expect(parseClientKeysEnv(` a:${KEY_A}, ${KEY_B} ,,`)).toEqual([
      { id: 'a', key: KEY_A },
      { id: 'key-2', key: KEY_B },
    ]);
    expect(parseClientKeysEnv('')).toEqual([]);
  });
});
