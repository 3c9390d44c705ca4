import { describe, expect, it } from 'vitest';
import { RejectedError, TimeoutError } from '../errors/families.ts';
import { addSecretValue } from '../errors/secret-values.ts';
import { classifyResponse } from './classify.ts';
import { renderError } from './render-error.ts';

describe('renderError', () => {
  it('renders an OpenAI envelope the SDK reads, with Retry-After', () => {
    const err = new RejectedError(
      'rate_limited',
      'rate limit of 600 RPM reached for openai/gpt-4o',
      { retryAfterMs: 1500 },
    );
    const out = renderError(err, 'openai', { requestId: 'bw_1' });
    expect(out.status).toBe(429);
    expect(out.headers['retry-after']).toBe('2');
    expect(out.headers['retry-after-ms']).toBe('1500');
    expect(out.headers['x-request-id']).toBe('bw_1');
    const error = out.body.error as Record<string, unknown>;
    expect(error.type).toBe('rate_limit_error');
    expect(error.code).toBe('rate_limit_exceeded');
    expect(error.param).toBeNull();
    expect(String(error.message)).toContain('600 RPM');
    expect(String(error.message)).toContain('wait for Retry-After');
    expect((out.body.breakwater as Record<string, unknown>).origin).toBe('breakwater');
  });

  it('renders an Anthropic envelope, keeping the upstream error type', () => {
    const upstream = classifyResponse({
      dialect: 'anthropic',
      status: 529,
      body: { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } },
    });
    const out = renderError(upstream, 'anthropic', { requestId: 'bw_2' });
    expect(out.status).toBe(529);
    expect(out.body.type).toBe('error');
    expect(out.body.request_id).toBe('bw_2');
    expect((out.body.error as Record<string, unknown>).type).toBe('overloaded_error');
    expect(out.headers['request-id']).toBe('bw_2');
  });

  it('translates across dialects: an OpenAI quota error for an Anthropic caller', () => {
    const upstream = classifyResponse({
      dialect: 'openai',
      status: 429,
      body: {
        error: {
          message: 'You exceeded your current quota',
          type: 'insufficient_quota',
          code: 'insufficient_quota',
        },
      },
    });
    const out = renderError(upstream, 'anthropic');
    expect(out.status).toBe(429);
    expect((out.body.error as Record<string, unknown>).type).toBe('billing_error');
    expect(out.headers['x-should-retry']).toBe('false');
  });

  it('never hands an OpenAI error type to an Anthropic caller', () => {
    const upstream = classifyResponse({
      dialect: 'openai',
      status: 529,
      body: { error: { message: 'Overloaded', type: 'server_error', code: null } },
    });
    const out = renderError(upstream, 'anthropic');
    expect((out.body.error as Record<string, unknown>).type).toBe('overloaded_error');
    const invalid = classifyResponse({
      dialect: 'openai',
      status: 400,
      body: { error: { message: 'bad', type: 'invalid_request_error', code: null } },
    });
    expect((renderError(invalid, 'anthropic').body.error as Record<string, unknown>).type).toBe(
      'invalid_request_error',
    );
  });

  it('answers a provider rejecting the gateway’s key as 502 to a gateway client, 401 to a library caller', () => {
    const upstream = classifyResponse({
      dialect: 'anthropic',
      status: 401,
      body: {
        type: 'error',
        error: { type: 'authentication_error', message: 'invalid x-api-key' },
      },
    });
    const gateway = renderError(upstream, 'openai', { gateway: true });
    expect(gateway.status).toBe(502);
    expect(String((gateway.body.error as Record<string, unknown>).message)).toContain(
      'gateway operator',
    );
    expect(gateway.headers['x-should-retry']).toBe('false');
    expect(renderError(upstream, 'openai').status).toBe(401);
  });

  it('gives a provider’s 401 the same server-side type in both dialects when answered 502', () => {
    for (const dialect of ['openai', 'anthropic'] as const) {
      const upstream = classifyResponse({
        dialect,
        status: 401,
        body:
          dialect === 'openai'
            ? {
                error: {
                  message: 'Incorrect API key provided',
                  type: 'invalid_request_error',
                  code: 'invalid_api_key',
                },
              }
            : {
                type: 'error',
                error: { type: 'authentication_error', message: 'invalid x-api-key' },
              },
      });
      const openai = renderError(upstream, 'openai', { gateway: true });
      const anthropic = renderError(upstream, 'anthropic', { gateway: true });
      expect(openai.status).toBe(502);
      expect(anthropic.status).toBe(502);
      expect(openai.body.error).toMatchObject({
        type: 'server_error',
        code: 'upstream_authentication',
      });
      expect(anthropic.body.error).toMatchObject({ type: 'api_error' });
    }
  });

  it('scrubs the process’s upstream key values from every field of the answer', () => {
    addSecretValue('PLAINKEY-example-0008hhhh');
    const upstream = classifyResponse({
      dialect: 'openai',
      status: 400,
      headers: { 'x-request-id': 'PLAINKEY-example-0008hhhh' },
      body: {
        error: {
          message: 'Incorrect API key provided: PLAINKEY**********hhhh.',
          type: 'invalid_request_error',
          code: 'PLAINKEY-example-0008hhhh',
          param: 'PLAINKEY-example-0008hhhh',
        },
      },
    });
    for (const dialect of ['openai', 'anthropic'] as const) {
      const out = renderError(upstream, dialect, { gateway: true });
      const text = JSON.stringify(out);
      expect(text).not.toContain('PLAINKEY');
      expect(text).not.toContain('hhhh');
      expect(text).toContain('[redacted]');
    }
  });

  it('renders the deadline as a 504 with the timer in the message', () => {
    const out = renderError(
      new TimeoutError('deadline', 30_000, { provider: 'openai', model: 'gpt-4o' }),
      'openai',
    );
    expect(out.status).toBe(504);
    expect(String((out.body.error as Record<string, unknown>).message)).toContain(
      'deadline of 30000 ms',
    );
  });

  it('hides the details of an unexpected failure', () => {
    const out = renderError(new Error('secret internals at /srv/app.ts:42'), 'openai');
    expect(out.status).toBe(500);
    expect(JSON.stringify(out.body)).not.toContain('secret internals');
  });
});
