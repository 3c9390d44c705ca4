import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../config/config-error.ts';
import {
  ClientKeyring,
  hashClientKey,
  mayUse,
  mergeClientKeyBudgets,
  parseClientKeysEnv,
} from './client-keys.ts';
import { loadClientKeysFile } from './client-keys-file.ts';

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
    expect(attempt([{ id: 'bad id', key: KEY_A }])).toThrow(/id: expected a name of 1–64 letters/);
    expect(attempt([{ id: 'a', key: KEY_A, routes: 'chat' }])).toThrow(
      /routes: expected a list of route names/,
    );
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

describe('limits and budget of a key', () => {
  it('keeps them on the identity, frozen, and leaves them undefined when not given', () => {
    const ring = new ClientKeyring([
      { id: 'a', key: KEY_A, limits: { rpm: 60, tpm: 100_000 }, budget: { dailyUsd: 5 } },
      { id: 'b', key: KEY_B },
    ]);
    const a = ring.authenticate(KEY_A)!;
    expect(a.limits).toEqual({ rpm: 60, tpm: 100_000 });
    expect(a.budget).toEqual({ dailyUsd: 5 });
    expect(Object.isFrozen(a.limits)).toBe(true);
    const b = ring.authenticate(KEY_B)!;
    expect(b.limits).toBeUndefined();
    expect(b.budget).toBeUndefined();
    expect(ring.identities().map((i) => i.id)).toEqual(['a', 'b']);
  });

  it('refuses bad values naming the entry and the field, never the key', () => {
    const attempt = (entry: Record<string, unknown>) => () =>
      new ClientKeyring([
        { id: 'ok', key: KEY_B },
        { id: 'team-a', key: KEY_A, ...entry },
      ]);
    expect(attempt({ limits: { rpm: 0 } })).toThrow(
      'client key #2 ("team-a"): limits.rpm: expected an integer above 0',
    );
    expect(attempt({ limits: { tpm: 1.5 } })).toThrow(
      /#2 \("team-a"\): limits\.tpm: expected an integer/,
    );
    expect(attempt({ limits: { rps: 5 } })).toThrow(/limits\.rps: unknown option "rps"/);
    expect(attempt({ limits: {} })).toThrow(/limits: set rpm, tpm or both/);
    expect(attempt({ limits: 60 })).toThrow(/limits: expected a mapping, got 60/);
    expect(attempt({ budget: { dailyUsd: -1 } })).toThrow(
      /#2 \("team-a"\): budget\.dailyUsd: expected a number from 0/,
    );
    expect(attempt({ budget: { daily: 5 } })).toThrow(/budget\.daily: unknown option "daily"/);
    expect(attempt({ budget: {} })).toThrow(/budget: set dailyUsd, monthlyUsd or both/);
    // A misspelt field would silently leave the key unlimited: it is refused instead.
    expect(attempt({ limit: { rpm: 5 } })).toThrow(
      /limit: unknown option "limit" — did you mean "limits"\? \(allowed here:/,
    );
    // Every problem at once.
    expect(attempt({ limits: { rpm: -1 }, budget: { monthlyUsd: 'lots' } })).toThrow(
      /limits\.rpm: .*; budget\.monthlyUsd: expected a number/,
    );
    try {
      attempt({ limits: { rpm: 0 } })();
    } catch (err) {
      expect((err as Error).message).not.toContain(KEY_A);
    }
  });
});

describe('mergeClientKeyBudgets', () => {
  const identities = (budget?: { dailyUsd?: number; monthlyUsd?: number }) =>
    new ClientKeyring([
      { id: 'team-a', key: KEY_A, budget },
      { id: 'team-b', key: KEY_B },
    ]).identities();

  it('makes a key’s budget its tenant’s, beside the config’s own entries', () => {
    const config = { tenants: { '*': { dailyUsd: 1 } }, total: { monthlyUsd: 100 } };
    const merged = mergeClientKeyBudgets(config, identities({ monthlyUsd: 20 }));
    expect(merged).toEqual({
      tenants: { '*': { dailyUsd: 1 }, 'team-a': { monthlyUsd: 20 } },
      total: { monthlyUsd: 100 },
    });
    expect(config.tenants).toEqual({ '*': { dailyUsd: 1 } });
    expect(mergeClientKeyBudgets(undefined, identities({ dailyUsd: 2 }))).toEqual({
      tenants: { 'team-a': { dailyUsd: 2 } },
    });
  });

  it('returns the config’s budgets as they are when no key has one', () => {
    const config = { total: { dailyUsd: 3 } };
    expect(mergeClientKeyBudgets(config, identities())).toBe(config);
    expect(mergeClientKeyBudgets(undefined, identities())).toBeUndefined();
  });

  it('refuses a tenant budgeted both in the config and on its key, naming both', () => {
    const config = { tenants: { 'team-a': { dailyUsd: 1 } } };
    const err = (() => {
      try {
        mergeClientKeyBudgets(config, identities({ dailyUsd: 2 }));
      } catch (e) {
        return e as ConfigError;
      }
    })();
    expect(err).toBeInstanceOf(ConfigError);
    expect(err?.code).toBe('validation');
    expect(err?.message).toBe(
      'budgets.tenants.team-a: client key "team-a" carries its own `budget` too; set this tenant\'s budget in one place only (the config or the key)',
    );
  });
});

describe('loadClientKeysFile', () => {
  it('reads limits and budgets from YAML, checked by the keyring', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bw-keys-'));
    try {
      const file = join(dir, 'keys.yaml');
      await writeFile(
        file,
        [
          'keys:',
          '  - id: web-app',
          `    keyHash: ${hashClientKey(KEY_A)}`,
          '    limits: { rpm: 120, tpm: 200000 }',
          '    budget: { dailyUsd: 10, monthlyUsd: 200 }',
          '  - id: batch',
          `    key: ${KEY_B}`,
          '    routes: [chat]',
          '',
        ].join('\n'),
      );
      const ring = new ClientKeyring(await loadClientKeysFile(file));
      expect(ring.authenticate(KEY_A)).toMatchObject({
        id: 'web-app',
        limits: { rpm: 120, tpm: 200_000 },
        budget: { dailyUsd: 10, monthlyUsd: 200 },
      });
      expect(ring.authenticate(KEY_B)?.limits).toBeUndefined();

      await writeFile(file, `[{ "id": "j", "key": "${KEY_A}", "limits": { "rpm": "ten" } }]`);
      const entries = await loadClientKeysFile(file);
      expect(() => new ClientKeyring(entries)).toThrow(
        'client key #1 ("j"): limits.rpm: expected an integer above 0 to 1000000000000 (requests), got "ten"',
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
