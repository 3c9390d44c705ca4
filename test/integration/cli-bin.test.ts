/**
 * The `breakwater` executable as npm links it: it starts, and says how to use it.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { GATEWAY_NODE_FLAGS } from '../../src/cli/node-flags.ts';

const BIN = fileURLToPath(new URL('../../bin/breakwater.js', import.meta.url));

describe('bin/breakwater.js', () => {
  it('runs the CLI: help exits 0 with the usage', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [BIN, 'help']);
    expect(stdout).toContain('breakwater serve');
    expect(stdout).toContain('breakwater mock');
  });

  it('runs through its own shebang, as npm links it', async () => {
    const { stdout } = await promisify(execFile)(BIN, ['help']);
    expect(stdout).toContain('breakwater serve');
  });

  it('starts Node with the gateway’s flags, as npm start does', () => {
    const shebang = readFileSync(BIN, 'utf8').split('\n')[0]!;
    const pkg = JSON.parse(
      readFileSync(new URL('../../package.json', import.meta.url), 'utf8'),
    ) as { scripts: Record<string, string> };
    const node = `node ${GATEWAY_NODE_FLAGS.join(' ')} src/cli/main.ts`;
    expect(shebang).toBe(`#!/usr/bin/env -S node ${GATEWAY_NODE_FLAGS.join(' ')}`);
    expect(pkg.scripts.start).toBe(`${node} serve`);
    expect(pkg.scripts.breakwater).toBe(node);
  });

  it('exits 2 on an unknown command', async () => {
    const run = promisify(execFile)(process.execPath, [BIN, 'nonsense']);
    await expect(run).rejects.toMatchObject({ code: 2 });
  });
});
