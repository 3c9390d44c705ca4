import { describe, expect, it } from 'vitest';
import { parseOpenAIRateLimitHeaders } from './rate-limit-headers.ts';

const NOW = Date.parse('2026-08-21T12:00:00Z');

// The documented sample set (provider-wire.md §2).
const documented = {
  'x-ratelimit-limit-requests': '60',
  'x-ratelimit-limit-tokens': '150000',
  'x-ratelimit-remaining-requests': '59',
  'x-ratelimit-remaining-tokens': '149984',
  'x-ratelimit-reset-requests': '1s',
  'x-ratelimit-reset-tokens': '6m0s',
};

describe('parseOpenAIRateLimitHeaders', () => {
  it('reads the documented headers, resets relative to now', () => {
    expect(parseOpenAIRateLimitHeaders(documented, NOW)).toEqual({
      requests: { limit: 60, remaining: 59, resetAt: NOW + 1000 },
      tokens: { limit: 150_000, remaining: 149_984, resetAt: NOW + 360_000 },
    });
  });

  it('reads a fetch Headers object, case-insensitively', () => {
    const headers = new Headers({
      'X-RateLimit-Limit-Requests': '60',
      'X-RateLimit-Remaining-Requests': '0',
      'X-RateLimit-Reset-Requests': '20ms',
    });
    expect(parseOpenAIRateLimitHeaders(headers, NOW)).toEqual({
      requests: { limit: 60, remaining: 0, resetAt: NOW + 20 },
    });
  });

  it('reads a plain record with mixed-case keys and array values', () => {
    const headers = {
      'X-RateLimit-Remaining-Tokens': ['1000'],
      'x-ratelimit-reset-tokens': '2m59.56s',
      'content-type': 'application/json',
    };
    expect(parseOpenAIRateLimitHeaders(headers, NOW)).toEqual({
      tokens: { remaining: 1000, resetAt: NOW + 179_560 },
    });
  });

  it('maps project-scoped token headers to tokens when the plain ones are absent', () => {
    const headers = {
      'x-ratelimit-limit-project-tokens': '30000',
      'x-ratelimit-remaining-project-tokens': '29000',
      'x-ratelimit-reset-project-tokens': '3s',
    };
    expect(parseOpenAIRateLimitHeaders(headers, NOW)).toEqual({
      tokens: { limit: 30_000, remaining: 29_000, resetAt: NOW + 3000 },
    });
  });

  it('prefers the plain token headers and never mixes in another variant', () => {
    const headers = {
      'x-ratelimit-remaining-tokens': '100',
      'x-ratelimit-limit-project-tokens': '30000',
      'x-ratelimit-reset-project-tokens': '3s',
    };
    expect(parseOpenAIRateLimitHeaders(headers, NOW)).toEqual({ tokens: { remaining: 100 } });
  });

  it('maps the _usage_based variant to tokens as a last resort', () => {
    const headers = {
      'x-ratelimit-limit-tokens_usage_based': '40000',
      'x-ratelimit-remaining-tokens_usage_based': '39000',
      'x-ratelimit-reset-tokens_usage_based': '7.66s',
    };
    expect(parseOpenAIRateLimitHeaders(headers, NOW)).toEqual({
      tokens: { limit: 40_000, remaining: 39_000, resetAt: NOW + 7660 },
    });
  });

  it('drops garbled values but keeps the good ones', () => {
    const headers = {
      'x-ratelimit-limit-requests': 'lots',
      'x-ratelimit-remaining-requests': '-1',
      'x-ratelimit-reset-requests': 'soon',
      'x-ratelimit-remaining-tokens': '5',
    };
    expect(parseOpenAIRateLimitHeaders(headers, NOW)).toEqual({ tokens: { remaining: 5 } });
  });

  it('returns undefined when no rate-limit header is present', () => {
    expect(parseOpenAIRateLimitHeaders({ 'x-request-id': 'req_1' }, NOW)).toBeUndefined();
    expect(parseOpenAIRateLimitHeaders(new Headers(), NOW)).toBeUndefined();
    expect(parseOpenAIRateLimitHeaders(undefined, NOW)).toBeUndefined();
    expect(parseOpenAIRateLimitHeaders({ 'x-ratelimit-reset-tokens': 'x' }, NOW)).toBeUndefined();
  });
});
