import { describe, expect, it } from 'vitest';
import { parseAnthropicRateLimitHeaders } from './rate-limit-headers.ts';

// The real 200 response header set recorded by tidyllm (provider-wire.md §2).
const recorded = `anthropic-ratelimit-input-tokens-limit: 80000
anthropic-ratelimit-input-tokens-remaining: 80000
anthropic-ratelimit-input-tokens-reset: 2025-08-21T12:40:59Z
anthropic-ratelimit-output-tokens-limit: 16000
anthropic-ratelimit-output-tokens-remaining: 16000
anthropic-ratelimit-output-tokens-reset: 2025-08-21T12:41:00Z
anthropic-ratelimit-requests-limit: 1000
anthropic-ratelimit-requests-remaining: 999
anthropic-ratelimit-requests-reset: 2025-08-21T12:40:59Z
anthropic-ratelimit-tokens-limit: 96000
anthropic-ratelimit-tokens-remaining: 96000
anthropic-ratelimit-tokens-reset: 2025-08-21T12:40:59Z
request-id: req_011CSLsW7mFqvHHnzrKdKjAE
x-envoy-upstream-service-time: 690
server: cloudflare`;

function toRecord(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const at = line.indexOf(':');
    out[line.slice(0, at)] = line.slice(at + 1).trim();
  }
  return out;
}

const expected = {
  requests: { limit: 1000, remaining: 999, resetAt: Date.parse('2025-08-21T12:40:59Z') },
  tokens: { limit: 96_000, remaining: 96_000, resetAt: Date.parse('2025-08-21T12:40:59Z') },
  inputTokens: { limit: 80_000, remaining: 80_000, resetAt: Date.parse('2025-08-21T12:40:59Z') },
  outputTokens: { limit: 16_000, remaining: 16_000, resetAt: Date.parse('2025-08-21T12:41:00Z') },
};

describe('parseAnthropicRateLimitHeaders', () => {
  it('reads the recorded header set from a plain record', () => {
    expect(parseAnthropicRateLimitHeaders(toRecord(recorded))).toEqual(expected);
  });

  it('reads the same set from a fetch Headers object', () => {
    expect(parseAnthropicRateLimitHeaders(new Headers(toRecord(recorded)))).toEqual(expected);
  });

  it('matches header names case-insensitively in a record', () => {
    const headers = { 'Anthropic-RateLimit-Requests-Remaining': '0' };
    expect(parseAnthropicRateLimitHeaders(headers)).toEqual({ requests: { remaining: 0 } });
  });

  it('accepts RFC 3339 offsets and fractions, and ignores non-RFC 3339 resets', () => {
    expect(
      parseAnthropicRateLimitHeaders({
        'anthropic-ratelimit-requests-reset': '2025-08-21T14:40:59.250+02:00',
        'anthropic-ratelimit-tokens-reset': '60s',
        'anthropic-ratelimit-tokens-limit': '1000',
      }),
    ).toEqual({
      requests: { resetAt: Date.parse('2025-08-21T12:40:59.250Z') },
      tokens: { limit: 1000 },
    });
  });

  it('returns undefined when no rate-limit header is present', () => {
    expect(
      parseAnthropicRateLimitHeaders({ 'request-id': 'req_1', 'retry-after': '5' }),
    ).toBeUndefined();
    expect(parseAnthropicRateLimitHeaders(undefined)).toBeUndefined();
  });
});
