import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fileDestination } from './file-sink.ts';
import { createLogger } from './logger.ts';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

/** Ends the transport and resolves once its worker has written and closed the file. */
function closed(destination: ReturnType<typeof fileDestination>): Promise<void> {
  const stream = destination as unknown as NodeJS.WritableStream & {
    once: (e: string, f: () => void) => void;
  };
  return new Promise((resolve) => {
    stream.once('close', () => resolve());
    stream.end();
  });
}

describe('the log file sink', () => {
  it('rotates at maxBytes, keeps `keep` rotated files, and loses no line of the last ones', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bw-logs-'));
    dirs.push(dir);
    const file = {
      path: join(dir, 'gateway.log'),
      maxBytes: 4096,
      frequency: 'none',
      keep: 2,
    } as const;
    const destination = fileDestination(file);
    const logger = createLogger({ destination, level: 'info' });
    // About 150 bytes a line, 40 lines (6 KiB) a round: a rotation after each round's write.
    for (let round = 0; round < 8; round++) {
      for (let i = round * 40; i < (round + 1) * 40; i++) {
        logger.info({ i, pad: 'x'.repeat(60) }, 'line');
      }
      await new Promise<void>((resolve) => logger.flush(() => resolve()));
    }
    await closed(destination);
    const files = (await readdir(dir)).filter((f) => f.endsWith('.log')).sort();
    // The current file and at most two rotated ones: the older ones were deleted.
    expect(files.length).toBeGreaterThan(1);
    expect(files.length).toBeLessThanOrEqual(3);
    const numbers = files.map((f) => Number(/\.(\d+)\.log$/.exec(f)?.[1])).sort((a, b) => a - b);
    expect(numbers.at(-1)).toBeGreaterThan(3);
    const text = (await Promise.all(files.map((f) => readFile(join(dir, f), 'utf8')))).join('');
    const lines = text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { i: number; version: string });
    expect(lines.at(-1)!.i).toBe(319);
    expect(lines[0]!.version).toMatch(/\d+\.\d+\.\d+/);
  });
});
