import { createServer } from 'node:net';
import { request, errors as undiciErrors } from 'undici';
import { describe, expect, it } from 'vitest';
import { BreakwaterError } from './breakwater-error.ts';
import { classifyNetworkError } from './classify-network.ts';
import { ConnectionError, TimeoutError, UpstreamConfigError } from './families.ts';

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

  it('takes an unknown host and a refused certificate for configuration errors, naming the baseUrl', () => {
    const at = { ...ctx, baseUrl: 'https://api.openai.example' };
    const dns = Object.assign(new Error('getaddrinfo ENOTFOUND api.openai.example'), {
      code: 'ENOTFOUND',
      hostname: 'api.openai.example',
    });
    const notFound = classifyNetworkError(new TypeError('fetch failed', { cause: dns }), at);
    expect(notFound).toBeInstanceOf(UpstreamConfigError);
    expect([notFound.code, notFound.retryable, notFound.fallbackable]).toEqual([
      'upstream_config',
      false,
      true,
    ]);
    expect((notFound as UpstreamConfigError).reason).toBe('dns');
    expect(notFound.message).toBe(
      'provider openai at https://api.openai.example cannot be reached as configured: its host name does not resolve (ENOTFOUND api.openai.example) — check providers.openai.baseUrl',
    );
    for (const code of [
      'ERR_TLS_CERT_ALTNAME_INVALID',
      'CERT_HAS_EXPIRED',
      'DEPTH_ZERO_SELF_SIGNED_CERT',
      'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    ]) {
      const tls = classifyNetworkError(Object.assign(new Error('bad cert'), { code }), at);
      expect([tls.code, (tls as UpstreamConfigError).reason]).toEqual(['upstream_config', 'tls']);
      expect(tls.message).toContain('at https://api.openai.example');
      expect(tls.message).toContain(code);
    }
  });

  it('keeps a lookup that failed for now and a broken handshake transient', () => {
    const again = Object.assign(new Error('getaddrinfo EAI_AGAIN api.example'), {
      code: 'EAI_AGAIN',
    });
    const dns = classifyNetworkError(again) as ConnectionError;
    expect([dns.code, dns.reason, dns.retryable]).toEqual(['connection', 'dns', true]);
    const handshake = Object.assign(new Error('wrong version number'), {
      code: 'ERR_SSL_WRONG_VERSION_NUMBER',
    });
    expect((classifyNetworkError(handshake) as ConnectionError).reason).toBe('tls');
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
