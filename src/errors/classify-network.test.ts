import { createServer } from 'node:net';
import { request, errors as undiciErrors } from 'undici';
import { describe, expect, it } from 'vitest';
import { BreakwaterError } from './breakwater-error.ts';
import { classifyNetworkError } from './classify-network.ts';
import { ConnectionError, TimeoutError } from './families.ts';

const ctx = {
  provider: 'openai',
  model: 'gpt-4o',
  connectTimeoutMs: 5000,
  firstByteTimeoutMs: 3000,
  idleTimeoutMs: 15000,
};

describe('classifyNetworkError', () => {
  it('names the undici timer that fired', () => {
    const connect = classifyNetworkError(new undiciErrors.ConnectTimeoutError(), ctx);
    expect(connect).toBeInstanceOf(TimeoutError);
    expect((connect as TimeoutError).phase).toBe('connect');
    expect(connect.message).toContain('connect timeout of 5000 ms');
    const headers = classifyNetworkError(
      new undiciErrors.HeadersTimeoutError(),
      ctx,
    ) as TimeoutError;
    expect([headers.code, headers.phase, headers.retryable]).toEqual([
      'timeout',
      'first_byte',
      true,
    ]);
    const body = classifyNetworkError(new undiciErrors.BodyTimeoutError(), ctx) as TimeoutError;
    expect([body.code, body.phase]).toEqual(['timeout', 'idle']);
  });

  it('walks fetch’s TypeError wrapper to the socket error', () => {
    const reset = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
    const err = classifyNetworkError(new TypeError('fetch failed', { cause: reset }), ctx);
    expect(err).toBeInstanceOf(ConnectionError);
    expect((err as ConnectionError).reason).toBe('reset');
    expect(err.code).toBe('connection');
    expect(err.retryable).toBe(true);
    expect(err.healthSignal).toBe(true);
  });

  it('tells DNS, refused and TLS failures apart', () => {
    const dns = Object.assign(new Error('getaddrinfo ENOTFOUND api.example'), {
      code: 'ENOTFOUND',
    });
    expect((classifyNetworkError(dns) as ConnectionError).reason).toBe('dns');
    const tls = Object.assign(new Error('bad cert'), { code: 'ERR_TLS_CERT_ALTNAME_INVALID' });
    expect((classifyNetworkError(tls) as ConnectionError).reason).toBe('tls');
  });

  it('turns a caller abort into aborted, never retried', () => {
    const err = classifyNetworkError(new DOMException('This operation was aborted', 'AbortError'));
    expect(err.code).toBe('aborted');
    expect(err.retryable).toBe(false);
  });

  it('passes a breakwater error that was the abort reason through unchanged', () => {
    const reason = new TimeoutError('deadline', 2000, ctx);
    const wrapped = new TypeError('fetch failed', { cause: reason });
    expect(classifyNetworkError(wrapped)).toBe(reason);
    expect(reason.code).toBe('deadline_exceeded');
    expect(reason.retryable).toBe(false);
  });

  it('classifies a real refused connection', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const failure = await request(`http://127.0.0.1:${port}/`).catch((e: unknown) => e);
    const err = classifyNetworkError(failure, ctx);
    expect(err).toBeInstanceOf(BreakwaterError);
    expect((err as ConnectionError).reason).toBe('refused');
  });
});
