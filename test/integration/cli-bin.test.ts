/**
 * The `breakwater` executable as npm links it: it starts, and says how to use it.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const BIN = fileURLToPath(new URL('../../bin/breakwater.js', import.meta.url));

describe('bin/breakwater.js', () => {
  it('runs the CLI: help exits 0 with the usage', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [BIN, 'help']);
    expect(stdout).toContain('breakwater serve');
    expect(stdout).toContain('breakwater mock');
  });

  it('exits 2 on an unknown command', async () => {
    const run = promisify(execFile)(process.execPath, [BIN, 'nonsense']);
    await expect(run).rejects.toMatchObject({ code: 2 });
  });
});
