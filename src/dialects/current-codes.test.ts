/**
 * The providers' codes of late 2026 (provider-wire.md §9), classified in the dialect that sends
 * them and rendered back to a caller of either dialect: OpenAI's 429 split by `error.code`
 * (`slow_down`, the billing codes), `503 server_is_overloaded`, a CDN's 520–524 HTML page in
 * front of either provider, and Anthropic's `overloaded_error` inside a 200 stream.
 */
import { describe, expect, it } from 'vitest';
import { classifyResponse, classifyStreamError } from './classify.ts';
import type { DialectName } from './dialect-name.ts';
import { OPENAI_BILLING_CODES } from './openai/classify.ts';
import { renderError } from './render-error.ts';

const openai = (message: string, type: string, code: string | null) => ({
  error: { message, type, param: null, code },
});

const cdnPage = (status: number) =>
  `<html>\r\n<head><title>${status} Origin Error</title></head>\r\n<body>\r\n<center><h1>${status}</h1></center>\r\n<hr><center>cloudflare</center>\r\n</body>\r\n</html>\r\n`;

const CALLERS: readonly DialectName[] = ['openai', 'anthropic'];

describe('OpenAI 429 split by error.code', () => {
  it('reads slow_down as a rate limit that holds the send rate down (provider code slow_down)', () => {
    const err = classifyResponse({
      dialect: 'openai',
      status: 429,
      body: openai(
        'Your request rate increased too quickly. Please reduce your request rate and hold it.',
        'rate_limit_error',
        'slow_down',
      ),
      provider: 'openai',
      model: 'gpt-4o',
    });
    expect([err.code, err.retryable, err.fallbackable, err.healthSignal]).toEqual([
      'rate_limited',
      true,
      true,
      false,
    ]);
    expect(err.providerCode).toBe('slow_down');
  });

  it.each([...OPENAI_BILLING_CODES])(
    'reads the billing 429 %s as quota_exhausted: never retried, another key or tier may serve',
    (code) => {
      const err = classifyResponse({
        dialect: 'openai',
        status: 429,
        body: openai(
          'You exceeded your current quota, please check your plan and billing details.',
          'insufficient_quota',
          code,
        ),
      });
      expect([err.code, err.retryable, err.fallbackable, err.healthSignal]).toEqual([
        'quota_exhausted',
        false,
        true,
        false,
      ]);
      expect(err.providerCode).toBe(code);
    },
  );

  it('reads a billing code even when the type says otherwise', () => {
    const err = classifyResponse({
      dialect: 'openai',
      status: 429,
      body: openai(
        'Project spend limit reached.',
        'rate_limit_error',
        'project_spend_limit_exceeded',
      ),
    });
    expect(err.code).toBe('quota_exhausted');
  });

  it('keeps an ordinary rate limit a rate limit', () => {
    const err = classifyResponse({
      dialect: 'openai',
      status: 429,
      body: openai('Rate limit reached for gpt-4o', 'requests', 'rate_limit_exceeded'),
    });
    expect([err.code, err.providerCode]).toEqual(['rate_limited', 'rate_limit_exceeded']);
  });
});

describe('OpenAI 503 server_is_overloaded', () => {
  it('is transient unavailability, not a slow-down', () => {
    const err = classifyResponse({
      dialect: 'openai',
      status: 503,
      body: openai(
        'The server is overloaded, please try again later.',
        'service_unavailable_error',
        'server_is_overloaded',
      ),
    });
    expect([err.code, err.retryable, err.healthSignal, err.providerCode]).toEqual([
      'unavailable',
      true,
      true,
      'server_is_overloaded',
    ]);
  });

  it('reads the same inside a 200 stream', () => {
    const err = classifyStreamError({
      dialect: 'openai',
      data: openai(
        'The server is overloaded, please try again later.',
        'service_unavailable_error',
        'server_is_overloaded',
      ),
    });
    expect([err.code, err.retryable]).toEqual(['unavailable', true]);
  });
});

describe('Anthropic overloaded_error inside a 200 stream', () => {
  it('is overloaded, retryable and counted against the target, as a 529 is', () => {
    const event = classifyStreamError({
      dialect: 'anthropic',
      data: { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } },
    });
    const status = classifyResponse({
      dialect: 'anthropic',
      status: 529,
      body: { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } },
    });
    for (const err of [event, status]) {
      expect([err.code, err.retryable, err.fallbackable, err.healthSignal]).toEqual([
        'overloaded',
        true,
        true,
        true,
      ]);
    }
  });
});

describe('a CDN’s 520–524 with an HTML page', () => {
  for (const dialect of ['openai', 'anthropic'] as const) {
    it.each([520, 521, 522, 523, 524])(
      `in front of ${dialect}: %i is a transient 502`,
      (status) => {
        const err = classifyResponse({
          dialect,
          status,
          headers: { 'content-type': 'text/html', server: 'cloudflare' },
          body: cdnPage(status),
          provider: dialect,
          model: 'm',
        });
        expect([err.code, err.retryable, err.fallbackable, err.healthSignal]).toEqual([
          'bad_gateway',
          true,
          true,
          true,
        ]);
        expect(err.status).toBe(502);
        expect(err.providerStatus).toBe(status);
        expect(err.message).toContain(`${dialect}/m answered ${status} from a CDN in front of it`);
        expect(err.message).toContain('an HTML page (not shown)');
        expect(err.message).not.toMatch(/<|cloudflare|Origin Error/);
        expect(err.providerMessage).toBeUndefined();
      },
    );
  }

  it.each(CALLERS)('never shows the HTML to a caller in the %s dialect', (caller) => {
    const err = classifyResponse({ dialect: 'anthropic', status: 522, body: cdnPage(522) });
    const rendered = renderError(err, caller);
    expect(rendered.status).toBe(502);
    expect(JSON.stringify(rendered.body)).not.toMatch(/<|cloudflare|Origin Error/);
    const { type } = (rendered.body as { error: { type: string } }).error;
    expect(type).toBe(caller === 'openai' ? 'server_error' : 'api_error');
  });

  it('hides any HTML error page, whatever its status', () => {
    const err = classifyResponse({
      dialect: 'openai',
      status: 502,
      body: '<!DOCTYPE html><html><body><h1>502 Bad Gateway</h1><p>nginx</p></body></html>',
    });
    expect(err.code).toBe('bad_gateway');
    expect(err.message).not.toContain('nginx');
  });
});

describe('rendered to a caller of either dialect', () => {
  it.each(CALLERS)('a billing 429 reaches a %s caller as quota, with no Retry-After', (caller) => {
    const err = classifyResponse({
      dialect: 'openai',
      status: 429,
      body: openai(
        'You exceeded your current quota.',
        'insufficient_quota',
        'credit_balance_exhausted',
      ),
    });
    const rendered = renderError(err, caller);
    expect(rendered.status).toBe(429);
    expect(rendered.headers['retry-after']).toBeUndefined();
    expect(rendered.headers['x-should-retry']).toBe('false');
    const body = rendered.body as { error: { type: string } };
    expect(body.error.type).toBe(caller === 'openai' ? 'insufficient_quota' : 'billing_error');
  });

  it.each(CALLERS)('a slow_down 429 reaches a %s caller as a rate limit to retry', (caller) => {
    const err = classifyResponse({
      dialect: 'openai',
      status: 429,
      headers: { 'retry-after': '2' },
      body: openai('Slow down.', 'rate_limit_error', 'slow_down'),
    });
    const rendered = renderError(err, caller);
    expect(rendered.status).toBe(429);
    expect(rendered.headers['retry-after']).toBe('2');
    expect((rendered.body as { error: { type: string } }).error.type).toBe('rate_limit_error');
  });
});
