import { describe, expect, it } from 'vitest';
import { anthropicError } from './error-anthropic.ts';
import { openaiError } from './error-openai.ts';
import { humanWait, maskKey } from './error-reply.ts';

const parse = (reply: { body: string }) => JSON.parse(reply.body);

describe('OpenAI error bodies', () => {
  it('use the envelope with all four fields', () => {
    const reply = openaiError(404, { model: 'gpt-9' });
    expect(reply.headers['content-type']).toBe('application/json');
    expect(parse(reply)).toEqual({
      error: {
        message: 'The model `gpt-9` does not exist or you do not have access to it.',
        type: 'invalid_request_error',
        param: null,
        code: 'model_not_found',
      },
    });
  });

  it.each([
    [429, 'insufficient_quota', 'insufficient_quota', 'insufficient_quota'],
    [503, 'slow_down', 'server_error', 'slow_down'],
    [400, 'context_length', 'invalid_request_error', 'context_length_exceeded'],
  ] as const)('%i %s', (status, variant, type, code) => {
    expect(parse(openaiError(status, { model: 'm', variant })).error).toMatchObject({ type, code });
  });

  it('tells the two 503s apart only by message', () => {
    expect(parse(openaiError(503, { model: 'm' })).error.message).toBe(
      'The engine is currently overloaded, please try again later',
    );
    expect(parse(openaiError(503, { model: 'm', variant: 'slow_down' })).error.message).toBe(
      'Slow Down',
    );
  });

  it('text_plain_401 and cloudflare change the framing, not just the words', () => {
    const plain = openaiError(401, {
      model: 'm',
      variant: 'text_plain_401',
      apiKey: 'sk-inval-123456789',
    });
    expect(plain.headers['content-type']).toMatch(/^text\/plain/);
    expect(parse(plain)).toMatchObject({ status: 401, error: { code: 'invalid_api_key' } });
    const html = openaiError(413, { model: 'm', variant: 'cloudflare' });
    expect(html.headers['content-type']).toBe('text/html');
    expect(html.body).toContain('<title>413 Request Entity Too Large</title>');
  });
});

describe('Anthropic error bodies', () => {
  it.each([
    [400, 'invalid_request_error'],
    [401, 'authentication_error'],
    [403, 'permission_error'],
    [404, 'not_found_error'],
    [409, 'conflict_error'],
    [413, 'request_too_large'],
    [429, 'rate_limit_error'],
    [500, 'api_error'],
    [504, 'timeout_error'],
    [529, 'overloaded_error'],
  ])('%i is %s, with request_id', (status, type) => {
    const body = parse(anthropicError(status, { model: 'c', requestId: 'req_011Cabc' }));
    expect(body).toMatchObject({ type: 'error', error: { type }, request_id: 'req_011Cabc' });
  });

  it('spend cap adds details.error_code; context length says the prompt is too long', () => {
    const cap = parse(anthropicError(429, { model: 'c', requestId: 'r', variant: 'spend_cap' }));
    expect(cap.error.details).toEqual({ error_code: 'enforced_spend_limit_reached' });
    const long = parse(
      anthropicError(400, {
        model: 'c',
        requestId: 'r',
        variant: 'context_length',
        inputTokens: 5,
      }),
    );
    expect(long.error.message).toBe('prompt is too long: 200006 tokens > 200000 maximum');
  });

  it('overloaded is "Overloaded"', () => {
    expect(parse(anthropicError(529, { model: 'c', requestId: 'r' })).error.message).toBe(
      'Overloaded',
    );
  });
});

describe('helpers', () => {
  it('mask keys the way OpenAI echoes them', () => {
    expect(maskKey('sk-inval-000000006789')).toBe('sk-inval**********6789');
  });
  it('write waits as OpenAI does', () => {
    expect(humanWait(84)).toBe('84ms');
    expect(humanWait(1146)).toBe('1.146s');
    expect(humanWait(2000)).toBe('2s');
  });
});
