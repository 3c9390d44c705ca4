import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.ts';
import { CENSOR, scrubSecrets } from './scrub-secrets.ts';

describe('scrubSecrets', () => {
  it('hands back the same object when no field is named like a secret', () => {
    const line = { requestId: 'req_1', route: 'chat', attempts: 1, nested: { status: 200 } };
    expect(scrubSecrets(line)).toBe(line);
  });

  it('blanks secret fields at any depth and in arrays, leaving the caller’s object untouched', () => {
    const line = {
      headers: { authorization: 'Bearer sk-live', 'x-api-key': 'sk-ant-1', accept: '*/*' },
      provider: { apiKey: 'sk-2', options: [{ api_key: 'sk-3' }, { fine: true }] },
      key: 'sk-4',
      cookie: '',
    };
    const copy = structuredClone(line);
    const out = scrubSecrets(line);
    expect(out).toEqual({
      headers: { authorization: CENSOR, 'x-api-key': CENSOR, accept: '*/*' },
      provider: { apiKey: CENSOR, options: [{ api_key: CENSOR }, { fine: true }] },
      key: CENSOR,
      cookie: '',
    });
    expect(line).toEqual(copy);
    expect(out.provider.options[1]).toBe(line.provider.options[1]);
  });

  it('matches secret field names in any case, as headers may come', () => {
    const line = {
      headers: { Authorization: 'Bearer a', 'X-API-KEY': 'b', 'Proxy-Authorization': 'c' },
      options: { APIKey: 'd', Keys: 'not a secret field' },
    };
    expect(scrubSecrets(line)).toEqual({
      headers: { Authorization: CENSOR, 'X-API-KEY': CENSOR, 'Proxy-Authorization': CENSOR },
      options: { APIKey: CENSOR, Keys: 'not a secret field' },
    });
  });

  it('keeps an Error an Error (message, stack, class) when it blanks a field of it', () => {
    const err = Object.assign(new RangeError('bad'), { headers: { authorization: 'Bearer x' } });
    const out = scrubSecrets({ err }).err;
    expect(out).toBeInstanceOf(RangeError);
    expect(out.message).toBe('bad');
    expect(out.stack).toBe(err.stack);
    expect(out.headers).toEqual({ authorization: CENSOR });
    expect(err.headers.authorization).toBe('Bearer x');
  });

  it('stops at a depth limit and survives cycles', () => {
    const cyclic: Record<string, unknown> = { name: 'a' };
    cyclic.self = cyclic;
    expect(scrubSecrets(cyclic)).toBe(cyclic);
  });
});

describe('createLogger', () => {
  it('writes no secret a line was given by mistake', () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const logger = createLogger({ destination: destination as never, level: 'info' });
    logger.info({ headers: { authorization: 'Bearer sk-secret-123' }, route: 'chat' }, 'request');
    logger.error({ err: Object.assign(new Error('boom'), { apiKey: 'sk-secret-456' }) }, 'failed');
    const text = lines.join('');
    expect(text).not.toContain('sk-secret');
    expect(text).toContain('"route":"chat"');
    expect(text).toContain('"message":"boom"');
  });
});

describe('raw bytes', () => {
  it('are replaced by their size at any depth, an error’s own fields included', () => {
    const err = Object.assign(new Error('Parse Error: Invalid method'), {
      code: 'HPE_INVALID_METHOD',
      rawPacket: Buffer.from('FOO /v1/messages HTTP/1.1\r\nx-api-key: bw-secret\r\n\r\n'),
    });
    const out = scrubSecrets({ err, nested: { bytes: new Uint8Array([1, 2, 3]) } });
    expect((out.err as unknown as Record<string, unknown>).rawPacket).toBe('[51 bytes]');
    expect(out.nested.bytes).toBe('[3 bytes]');
    expect(out.err.message).toBe('Parse Error: Invalid method');
    expect(err.rawPacket).toBeInstanceOf(Buffer);
  });
});
