import { execFileSync } from 'node:child_process';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type BatchSink, LineBatch } from './line-batch.ts';

/** A sink that records what it is handed and asked, in order. */
function recordingSink() {
  const calls: string[] = [];
  const sink: BatchSink = {
    write: (text) => calls.push(`write ${text}`),
    flush: () => calls.push('flush'),
    flushSync: () => calls.push('flushSync'),
  };
  return { sink, calls };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('LineBatch', () => {
  it('holds lines until minBytes have gathered, then hands them on as one write, in order', () => {
    const { sink, calls } = recordingSink();
    const batch = new LineBatch(sink, { minBytes: 10 });
    batch.write('abc\n');
    batch.write('def\n');
    expect(calls).toEqual([]);
    expect(batch.pendingBytes).toBe(8);
    batch.write('gh\n');
    expect(calls).toEqual(['write abc\ndef\ngh\n']);
    expect(batch.pendingBytes).toBe(0);
  });

  it('counts UTF-8 bytes, not characters', () => {
    const { sink, calls } = recordingSink();
    const batch = new LineBatch(sink, { minBytes: 8 });
    batch.write('ééé\n'); // 7 bytes
    expect(calls).toEqual([]);
    batch.write('é'); // 9
    expect(calls).toEqual(['write ééé\né']);
  });

  it('hands a quiet batch on flushMs after its first line, and has the sink write it', () => {
    vi.useFakeTimers();
    const { sink, calls } = recordingSink();
    const batch = new LineBatch(sink, { minBytes: 4096, flushMs: 100 });
    batch.write('one\n');
    vi.advanceTimersByTime(60);
    batch.write('two\n');
    vi.advanceTimersByTime(39);
    expect(calls).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(calls).toEqual(['write one\ntwo\n', 'flush']);
    vi.advanceTimersByTime(1000);
    expect(calls).toHaveLength(2);
  });

  it('clears its timer when a full batch goes out first', () => {
    vi.useFakeTimers();
    const { sink, calls } = recordingSink();
    const batch = new LineBatch(sink, { minBytes: 6, flushMs: 100 });
    batch.write('abc');
    batch.write('def');
    vi.advanceTimersByTime(500);
    expect(calls).toEqual(['write abcdef']);
  });

  it('flushSync writes the sink’s own backlog first, then the batch', () => {
    const { sink, calls } = recordingSink();
    const batch = new LineBatch(sink);
    batch.write('last\n');
    batch.flushSync();
    expect(calls).toEqual(['flushSync', 'write last\n', 'flushSync']);
  });
});

describe('the logger’s stdout', () => {
  const logger = new URL('./logger.ts', import.meta.url).pathname;
  const script = (lines: number, exit: string) => `
    const { createLogger } = await import(${JSON.stringify(logger)});
    const log = createLogger();
    for (let i = 0; i < ${lines}; i++) log.info({ i }, 'line');
    ${exit}
  `;
  const run = (lines: number, exit: string) =>
    execFileSync(process.execPath, ['--input-type=module', '-e', script(lines, exit)], {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    })
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as { i: number }).i);
  const upTo = (n: number) => Array.from({ length: n }, (_, i) => i);

  it('writes every line, in order, when the process ends on its own', () => {
    expect(run(50, '')).toEqual(upTo(50));
  });

  it('writes every line, in order, when the process calls process.exit()', () => {
    expect(run(50, 'process.exit(0);')).toEqual(upTo(50));
  });

  it('writes every line when several full batches are under way at exit', () => {
    // About 8 batches of 64 KiB handed to sonic-boom, and a part batch still in the LineBatch.
    expect(run(6_000, 'process.exit(0);')).toEqual(upTo(6_000));
  });
});
