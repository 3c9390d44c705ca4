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
    expect(stdout).toMatch(/^ {2}serve {2,}\S/m);
    expect(stdout).toMatch(/^ {2}mock {2,}\S/m);
  });

  it('runs through its own shebang, as npm links it', async () => {
    const { stdout } = await promisify(execFile)(BIN, ['help']);
    expect(stdout).toMatch(/^ {2}serve {2,}\S/m);
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

  it('on Node.js older than 24, says so in one line and exits 1, before importing anything', async () => {
    // Node 20 as the bin sees it: process.versions.node is all it reads.
    const older = `data:text/javascript,Object.defineProperty(process.versions,'node',{value:'20.11.1'})`;
    const run = promisify(execFile)(process.execPath, ['--import', older, BIN, 'serve']);
    await expect(run).rejects.toMatchObject({
      code: 1,
      stdout: '',
      stderr: 'breakwater needs Node.js 24 or later (found v20.11.1)\n',
    });
  });

  it('prints its version', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [BIN, '--version']);
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
    expect(stdout).toBe(`breakwater ${pkg.version}\n`);
  });

  it('exits 2 on an unknown command', async () => {
    const run = promisify(execFile)(process.execPath, [BIN, 'nonsense']);
    await expect(run).rejects.toMatchObject({ code: 2 });
  });
});
