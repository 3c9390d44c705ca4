import type { Socket } from 'node:net';
import { PassThrough, Readable } from 'node:stream';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { BreakwaterError } from '../errors/index.ts';
import { codingsOf, readBody, stopBodyRead } from './body-reader.ts';

const LIMIT = 1024;

function read(
  payload: Readable,
  headers: { 'content-length'?: string; 'content-encoding'?: string },
  socket?: Socket,
): Promise<Buffer | BreakwaterError> {
  return new Promise((resolve) =>
    readBody(payload, socket, headers, LIMIT, (error, body) => resolve(error ?? body!)),
  );
}

const json = Buffer.from(JSON.stringify({ model: 'chat', messages: [] }));

describe('readBody', () => {
  it('decodes gzip, deflate, br and a list of codings', async () => {
    const cases: [string, Buffer][] = [
      ['gzip', gzipSync(json)],
      ['x-gzip', gzipSync(json)],
      ['deflate', deflateSync(json)],
      ['br', brotliCompressSync(json)],
      ['gzip, br', brotliCompressSync(gzipSync(json))],
      ['identity', json],
    ];
    for (const [coding, bytes] of cases) {
      const out = await read(Readable.from([bytes]), {
        'content-encoding': coding,
        'content-length': String(bytes.length),
      });
      expect(out, coding).toEqual(json);
    }
  });

  it('applies the body limit to the decoded size: a decompression bomb is a 413', async () => {
    const bomb = gzipSync(Buffer.alloc(10 * 1024 * 1024));
    expect(bomb.length).toBeLessThan(LIMIT * 20);
    const out = await read(Readable.from([bomb.subarray(0, LIMIT)]), {
      'content-encoding': 'gzip',
    });
    // Cut short by the wire limit or the decoded one: either way a 413 or an undecodable 400.
    expect(out).toBeInstanceOf(BreakwaterError);
    const small = gzipSync(Buffer.alloc(64 * 1024));
    expect(small.length).toBeLessThan(LIMIT);
    const decoded = (await read(Readable.from([small]), {
      'content-encoding': 'gzip',
    })) as BreakwaterError;
    expect(decoded.code).toBe('request_too_large');
    expect(decoded.status).toBe(413);
    expect(decoded.message).toContain('decoded from gzip');
  });

  it('answers an encoding it does not decode with a 415 naming it', async () => {
    const out = (await read(Readable.from([json]), {
      'content-encoding': 'zstd',
    })) as BreakwaterError;
    expect(out.status).toBe(415);
    expect(out.param).toBe('content-encoding');
    expect(out.message).toContain('"zstd"');
    expect(codingsOf('gzip, gzip, gzip, gzip')).toBeInstanceOf(BreakwaterError);
  });

  it('answers a body that is not what its content-encoding says with a 400', async () => {
    const out = (await read(Readable.from([json]), {
      'content-encoding': 'gzip',
    })) as BreakwaterError;
    expect(out.status).toBe(400);
    expect(out.message).toContain('not valid gzip data');
  });

  it('refuses a body over the limit, and a body whose length is not the one declared', async () => {
    const big = (await read(Readable.from([Buffer.alloc(LIMIT + 1)]), {})) as BreakwaterError;
    expect(big.status).toBe(413);
    const declared = (await read(Readable.from([json]), {
      'content-length': String(LIMIT + 1),
    })) as BreakwaterError;
    expect(declared.status).toBe(413);
    const short = (await read(Readable.from([json]), {
      'content-length': '999',
    })) as BreakwaterError;
    expect(short.param).toBe('content-length');
  });

  it('stops a read in progress when asked, with the error it is given', async () => {
    const socket = {} as Socket;
    const payload = new PassThrough();
    const reading = read(payload, { 'content-length': '100' }, socket);
    payload.write('{"model":');
    const timeout = new BreakwaterError('request_timeout', 'too slow');
    expect(stopBodyRead(socket, timeout)).toBe(true);
    expect(await reading).toBe(timeout);
    // The read is over: nothing is left to stop.
    expect(stopBodyRead(socket, timeout)).toBe(false);
  });
});
