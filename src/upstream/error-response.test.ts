import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { errorFromResponse, readBounded } from './error-response.ts';

function chunks(...parts: string[]): Readable {
  return Readable.from(parts.map((p) => Buffer.from(p)));
}

describe('readBounded', () => {
  it('reads a short body whole', async () => {
    expect(await readBounded(chunks('{"error":', '{}}'), 1024)).toEqual({
      text: '{"error":{}}',
      truncated: false,
    });
  });

  it('stops at the bound and destroys the rest', async () => {
    const body = chunks('a'.repeat(600), 'b'.repeat(600), 'c'.repeat(600));
    const read = await readBounded(body, 1000);
    expect(read.truncated).toBe(true);
    expect(read.text).toBe('a'.repeat(600) + 'b'.repeat(400));
    expect(body.destroyed).toBe(true);
  });

  it('keeps what arrived when the read fails', async () => {
    const body = new Readable({ read() {} });
    body.push(Buffer.from('partial'));
    setImmediate(() => body.destroy(Object.assign(new Error('reset'), { code: 'ECONNRESET' })));
    const read = await readBounded(body, 1024);
    expect(read.text).toBe('partial');
    expect((read.error as { code?: string }).code).toBe('ECONNRESET');
  });
});

describe('errorFromResponse', () => {
  const base = {
    dialect: 'openai' as const,
    maxBodyBytes: 1024,
    signal: undefined,
    ctx: { provider: 'openai', model: 'gpt-4o' },
    nowMs: 0,
  };

  it('lets the status decide when the body read fails on its own', async () => {
    const body = new Readable({ read() {} });
    setImmediate(() => body.destroy(new Error('boom')));
    const err = await errorFromResponse({ ...base, status: 503, headers: {}, body });
    expect(err.code).toBe('unavailable');
  });

  it('lets the caller’s abort win when it broke the read', async () => {
    const caller = new AbortController();
    const body = new Readable({ read() {} });
    setImmediate(() => {
      caller.abort(new Error('gone'));
      body.destroy(new Error('aborted'));
    });
    const err = await errorFromResponse({
      ...base,
      status: 503,
      headers: {},
      body,
      signal: caller.signal,
    });
    expect(err.code).toBe('aborted');
  });
});
