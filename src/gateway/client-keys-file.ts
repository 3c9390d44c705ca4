/**
 * `--client-keys-file FILE`: the gateway's client keys from a YAML or JSON file, either a list or
 * `{ keys: [...] }`, each entry `{ id, keyHash | key, routes?, limits?: { rpm?, tpm? },
 * budget?: { dailyUsd?, monthlyUsd? } }`. Prefer `keyHash` (the output of `hashClientKey`,
 * `sha256:` and 64 hex digits) so the file holds no usable secret. The entries are checked by
 * `ClientKeyring`, which names a bad entry by position and id and the field at fault.
 */
import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import type { ClientKeyInput } from './client-keys.ts';

export async function loadClientKeysFile(path: string): Promise<ClientKeyInput[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new Error(`cannot read the client keys file ${path} (${code})`);
  }
  let tree: unknown;
  try {
    tree = parse(text, { version: '1.2', uniqueKeys: true });
  } catch (err) {
    // The parser's message may quote the file's text, which may hold keys: give the line only.
    const line = (err as { linePos?: { line: number }[] }).linePos?.[0]?.line;
    throw new Error(
      `the client keys file ${path} is not valid YAML/JSON${line ? ` (line ${line})` : ''}`,
    );
  }
  const list = Array.isArray(tree) ? tree : (tree as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(list)) {
    throw new Error(`the client keys file ${path} must hold a list of keys, or { keys: [...] }`);
  }
  return list as ClientKeyInput[];
}
