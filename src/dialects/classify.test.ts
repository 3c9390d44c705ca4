import { describe, expect, it } from 'vitest';
import type { ErrorCode } from '../errors/codes.ts';
import { classifyResponse, classifyStreamError } from './classify.ts';

const now = Date.parse('2026-11-22T10:00:00Z');

const openai = (
  message: string,
  type: string | null,
  code: string | null,
  param: string | null = null,
) => ({
  error: { message, type, param, code },
});
const anthropic = (type: string, message: string, extra: Record<string, unknown> = {}) => ({
  type: 'error',
  error: { type, message, ...extra },
  request_id: 'req_011CSHoEeqs5C35K2UUqR7Fy',
});

interface Case {
  name: string;
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  code: ErrorCode;
  retryable: boolean;
  retryAfterMs?: number;
}

const openaiCases: Case[] = [
  {
    name: '400 bad parameter',
    status: 400,
    body: openai(
      "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.",
      'invalid_request_error',
      'unsupported_parameter',
      'max_tokens',
    ),
    code: 'invalid_request',
    retryable: false,
  },
  {
    name: '400 context length',
    status: 400,
    body: openai(
      "This model's maximum context length is 128000 tokens. However, your messages resulted in 130000 tokens.",
      'invalid_request_error',
      'context_length_exceeded',
      'messages',
    ),
    code: 'context_overflow',
    retryable: false,
  },
  {
    name: '400 content filter',
    status: 400,
    body: openai(
      'The response was filtered due to the prompt triggering content management policy.',
      'invalid_request_error',
      'content_filter',
    ),
    code: 'refusal',
    retryable: false,
  },
  {
    name: '401 bad key',
    status: 401,
    body: openai(
      'Incorrect API key provided: sk-inval**********6789. You can find your API key at https://platform.openai.com/account/api-keys.',
      'invalid_request_error',
      'invalid_api_key',
    ),
    code: 'authentication',
    retryable: false,
  },
  {
    name: '401 text/plain with top-level status',
    status: 401,
    body: JSON.stringify({
      ...openai('Incorrect API key provided', 'invalid_request_error', 'invalid_api_key'),
      status: 401,
    }),
    headers: { 'content-type': 'text/plain' },
    code: 'authentication',
    retryable: false,
  },
  {
    name: '403 region',
    status: 403,
    body: openai(
      'Country, region, or territory not supported',
      'request_forbidden',
      'unsupported_country_region_territory',
    ),
    code: 'permission',
    retryable: false,
  },
  {
    name: '404 model',
    status: 404,
    body: openai(
      'The model `gpt-9` does not exist or you do not have access to it.',
      'invalid_request_error',
      'model_not_found',
    ),
    code: 'not_found',
    retryable: false,
  },
  {
    name: '408 request timeout',
    status: 408,
    body: openai('Request timed out.', 'server_error', null),
    code: 'timeout',
    retryable: true,
  },
  {
    name: '409 conflict',
    status: 409,
    body: openai('Conflict', 'invalid_request_error', null),
    code: 'conflict',
    retryable: true,
  },
  {
    name: '413 too large',
    status: 413,
    body: '<html><body><h1>413 Request Entity Too Large</h1></body></html>',
    code: 'request_too_large',
    retryable: false,
  },
  {
    name: '422 unprocessable',
    status: 422,
    body: openai('Unprocessable', 'invalid_request_error', null),
    code: 'unprocessable',
    retryable: false,
  },
  {
    name: '429 TPM with hint in the message',
    status: 429,
    body: openai(
      'Rate limit reached for gpt-4o-mini in project proj_x organization org-x on tokens per min (TPM): Limit 50000, Used 47949, Requested 3006. Please try again in 1.146s. Visit https://platform.openai.com/account/rate-limits to learn more.',
      'tokens',
      'rate_limit_exceeded',
    ),
    code: 'rate_limited',
    retryable: true,
    retryAfterMs: 1146,
  },
  {
    name: '429 with retry-after-ms (Azure)',
    status: 429,
    headers: { 'retry-after-ms': '2500', 'retry-after': '3' },
    body: openai('Rate limit reached for requests', 'requests', 'rate_limit_exceeded'),
    code: 'rate_limited',
    retryable: true,
    retryAfterMs: 2500,
  },
  {
    name: '429 insufficient_quota',
    status: 429,
    body: openai(
      'You exceeded your current quota, please check your plan and billing details.',
      'insufficient_quota',
      'insufficient_quota',
    ),
    code: 'quota_exhausted',
    retryable: false,
  },
  {
    name: '500',
    status: 500,
    body: openai(
      'The server had an error while processing your request. Sorry about that!',
      'server_error',
      null,
    ),
    code: 'server_error',
    retryable: true,
  },
  {
    name: '502',
    status: 502,
    body: '<html>Bad gateway</html>',
    code: 'bad_gateway',
    retryable: true,
  },
  {
    name: '503 overloaded',
    status: 503,
    body: openai(
      'The engine is currently overloaded, please try again later',
      'server_error',
      null,
    ),
    code: 'unavailable',
    retryable: true,
  },
  {
    name: '503 slow down',
    status: 503,
    body: openai('Slow Down', 'server_error', null),
    code: 'unavailable',
    retryable: true,
  },
  {
    name: '504',
    status: 504,
    body: openai('Gateway timeout', 'server_error', null),
    code: 'gateway_timeout',
    retryable: true,
  },
  {
    name: '529',
    status: 529,
    body: openai('Overloaded', 'server_error', null),
    code: 'overloaded',
    retryable: true,
  },
];

const anthropicCases: Case[] = [
  {
    name: '400 invalid request',
    status: 400,
    body: anthropic('invalid_request_error', 'messages: text content blocks must be non-empty'),
    code: 'invalid_request',
    retryable: false,
  },
  {
    name: '400 prompt too long',
    status: 400,
    body: anthropic('invalid_request_error', 'prompt is too long: 215000 tokens > 200000 maximum'),
    code: 'context_overflow',
    retryable: false,
  },
  {
    name: '400 credit balance',
    status: 400,
    body: anthropic(
      'invalid_request_error',
      'Your credit balance is too low to access the Anthropic API.',
    ),
    code: 'quota_exhausted',
    retryable: false,
  },
  {
    name: '400 user spend limit',
    status: 400,
    body: anthropic(
      'invalid_request_error',
      'You have reached your specified API usage limits. You will regain access on 2026-12-01 at 00:00 UTC.',
    ),
    code: 'quota_exhausted',
    retryable: false,
  },
  {
    name: '401',
    status: 401,
    body: anthropic('authentication_error', 'invalid x-api-key'),
    code: 'authentication',
    retryable: false,
  },
  {
    name: '402 billing',
    status: 402,
    body: anthropic('billing_error', 'Billing issue'),
    code: 'quota_exhausted',
    retryable: false,
  },
  {
    name: '403',
    status: 403,
    body: anthropic(
      'permission_error',
      'Your API key does not have permission to use the specified resource.',
    ),
    code: 'permission',
    retryable: false,
  },
  {
    name: '404',
    status: 404,
    body: anthropic('not_found_error', 'model: claude-9'),
    code: 'not_found',
    retryable: false,
  },
  {
    name: '408',
    status: 408,
    body: anthropic('timeout_error', 'Request timeout'),
    code: 'timeout',
    retryable: true,
  },
  {
    name: '409',
    status: 409,
    body: anthropic('conflict_error', 'Conflict'),
    code: 'conflict',
    retryable: true,
  },
  {
    name: '413 from Cloudflare',
    status: 413,
    body: '<html><head><title>413 Request Entity Too Large</title></head><body><center>cloudflare</center></body></html>',
    code: 'request_too_large',
    retryable: false,
  },
  {
    name: '422',
    status: 422,
    body: anthropic('invalid_request_error', 'Unprocessable'),
    code: 'unprocessable',
    retryable: false,
  },
  {
    name: '429 with retry-after',
    status: 429,
    headers: { 'retry-after': '7', 'request-id': 'req_hdr' },
    body: anthropic(
      'rate_limit_error',
      'Number of request tokens has exceeded your per-minute rate limit',
    ),
    code: 'rate_limited',
    retryable: true,
    retryAfterMs: 7000,
  },
  {
    name: '429 spend cap',
    status: 429,
    body: anthropic(
      'rate_limit_error',
      'You have reached your API usage limits: … You will regain access on 2026-09-01 at 00:00 UTC.',
      { details: { error_code: 'enforced_spend_limit_reached' } },
    ),
    code: 'quota_exhausted',
    retryable: false,
  },
  {
    name: '500',
    status: 500,
    body: anthropic('api_error', 'Internal server error'),
    code: 'server_error',
    retryable: true,
  },
  { name: '502', status: 502, body: 'Bad Gateway', code: 'bad_gateway', retryable: true },
  {
    name: '503',
    status: 503,
    body: anthropic('api_error', 'Service unavailable'),
    code: 'unavailable',
    retryable: true,
  },
  {
    name: '504',
    status: 504,
    body: anthropic('timeout_error', 'Request timed out'),
    code: 'gateway_timeout',
    retryable: true,
  },
  {
    name: '529',
    status: 529,
    body: anthropic('overloaded_error', 'Overloaded'),
    code: 'overloaded',
    retryable: true,
  },
];

for (const [dialect, cases] of [
  ['openai', openaiCases],
  ['anthropic', anthropicCases],
] as const) {
  describe(`classifyResponse (${dialect})`, () => {
    it.each(cases)('$name → $code', (c) => {
      const err = classifyResponse({
        dialect,
        status: c.status,
        body: c.body,
        headers: c.headers,
        provider: dialect,
        model: 'm',
        nowMs: now,
      });
      expect(err.code).toBe(c.code);
      expect(err.retryable).toBe(c.retryable);
      expect(err.providerStatus).toBe(c.status);
      expect(err.status).toBe(c.status);
      expect(err.origin).toBe('provider');
      if (c.retryAfterMs !== undefined) expect(err.retryAfterMs).toBe(c.retryAfterMs);
      expect(err.message).toContain(`${dialect}/m answered ${c.status}`);
    });
  });
}

describe('classifyResponse details', () => {
  it('x-should-retry overrides the status verdict both ways', () => {
    const no = classifyResponse({
      dialect: 'openai',
      status: 500,
      headers: { 'x-should-retry': 'false' },
      body: openai('x', 'server_error', null),
    });
    expect(no.code).toBe('server_error');
    expect(no.retryable).toBe(false);
    const yes = classifyResponse({
      dialect: 'anthropic',
      status: 400,
      headers: { 'x-should-retry': 'true' },
      body: anthropic('invalid_request_error', 'x'),
    });
    expect(yes.retryable).toBe(true);
  });

  it('keeps request ids from the header, else from the Anthropic body', () => {
    expect(
      classifyResponse({
        dialect: 'openai',
        status: 500,
        headers: { 'x-request-id': 'req_abc' },
        body: {},
      }).requestId,
    ).toBe('req_abc');
    expect(
      classifyResponse({
        dialect: 'anthropic',
        status: 529,
        body: anthropic('overloaded_error', 'Overloaded'),
      }).requestId,
    ).toBe('req_011CSHoEeqs5C35K2UUqR7Fy');
  });

  it('marks the OpenAI 503 Slow Down apart from the overloaded one', () => {
    expect(
      classifyResponse({
        dialect: 'openai',
        status: 503,
        body: openai('Slow Down', 'server_error', null),
      }).providerCode,
    ).toBe('slow_down');
    expect(
      classifyResponse({
        dialect: 'openai',
        status: 503,
        body: openai(
          'The engine is currently overloaded, please try again later',
          'server_error',
          null,
        ),
      }).providerCode,
    ).toBeUndefined();
  });

  it('never lets a key echoed by the provider into the message', () => {
    const err = classifyResponse({
      dialect: 'openai',
      status: 401,
      body: openai(
        'Incorrect API key provided: sk-proj-abcdefghijklmnop1234.',
        'invalid_request_error',
        'invalid_api_key',
      ),
    });
    expect(err.message).not.toContain('abcdefghijklmnop');
    expect(err.providerMessage).not.toContain('abcdefghijklmnop');
  });

  it('keeps the param the provider named', () => {
    const err = classifyResponse({
      dialect: 'openai',
      status: 400,
      body: openai(
        'Unsupported value',
        'invalid_request_error',
        'unsupported_value',
        'temperature',
      ),
    });
    expect(err.param).toBe('temperature');
    expect(err.providerCode).toBe('unsupported_value');
  });

  it('falls back to the status family for statuses it does not know', () => {
    expect(classifyResponse({ dialect: 'openai', status: 418, body: 'teapot' }).code).toBe(
      'invalid_request',
    );
    expect(classifyResponse({ dialect: 'anthropic', status: 507, body: '' }).code).toBe(
      'server_error',
    );
  });
});

describe('classifyStreamError', () => {
  it('reads Anthropic’s mid-stream overloaded_error as overloaded, retryable', () => {
    const err = classifyStreamError({
      dialect: 'anthropic',
      data: { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } },
      provider: 'anthropic',
      model: 'claude-sonnet-4-5',
    });
    expect(err.code).toBe('overloaded');
    expect(err.retryable).toBe(true);
    expect(err.status).toBe(529);
    expect(err.providerStatus).toBeUndefined();
    expect(err.message).toContain('mid-stream');
  });

  it('reads an OpenAI frame with an error key', () => {
    const err = classifyStreamError({
      dialect: 'openai',
      data: {
        error: {
          message: 'The server had an error',
          type: 'server_error',
          param: null,
          code: null,
        },
      },
    });
    expect(err.code).toBe('server_error');
    expect(err.retryable).toBe(true);
  });

  it('reads other mid-stream types by their type', () => {
    expect(
      classifyStreamError({
        dialect: 'anthropic',
        data: { type: 'error', error: { type: 'rate_limit_error', message: 'x' } },
      }).code,
    ).toBe('rate_limited');
    expect(
      classifyStreamError({
        dialect: 'anthropic',
        data: { type: 'error', error: { type: 'api_error', message: 'x' } },
      }).code,
    ).toBe('server_error');
    expect(
      classifyStreamError({
        dialect: 'openai',
        data: {
          error: { message: 'quota', type: 'insufficient_quota', code: 'insufficient_quota' },
        },
      }).code,
    ).toBe('quota_exhausted');
  });
});
