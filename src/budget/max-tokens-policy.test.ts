import { describe, expect, it } from 'vitest';
import { applyMaxTokensPolicy, defaultMaxTokensOf } from './max-tokens-policy.ts';

describe('applyMaxTokensPolicy', () => {
  it('clamps max_tokens and max_completion_tokens above the cap, without touching the input', () => {
    const request = { model: 'm', messages: [], max_tokens: 9000, max_completion_tokens: 500 };
    const out = applyMaxTokensPolicy('openai', request, { maxTokens: 1000 });
    expect(out).toEqual({ ok: true, changed: true, request: { ...request, max_tokens: 1000 } });
    expect(request.max_tokens).toBe(9000);
  });

  it('rejects above the cap with a validation error naming the field', () => {
    const out = applyMaxTokensPolicy(
      'anthropic',
      { model: 'm', messages: [], max_tokens: 64_000 },
      { maxTokens: 4096, overMaxTokens: 'reject' },
    );
    expect(out.ok).toBe(false);
    if (out.ok) return;
    expect(out.error.code).toBe('validation');
    expect(out.error.param).toBe('max_tokens');
    expect(out.error.message).toBe(
      "`max_tokens` is 64000, above this route's cap of 4096 output tokens — ask for at most 4096",
    );
  });

  it('gives an Anthropic request without max_tokens the default, capped', () => {
    const base = { model: 'm', messages: [] };
    expect(applyMaxTokensPolicy('anthropic', base, {})).toMatchObject({
      request: { max_tokens: 4096 },
      changed: true,
    });
    expect(applyMaxTokensPolicy('anthropic', base, { defaultMaxTokens: 1024 })).toMatchObject({
      request: { max_tokens: 1024 },
    });
    expect(applyMaxTokensPolicy('anthropic', base, { maxTokens: 512 })).toMatchObject({
      request: { max_tokens: 512 },
    });
  });

  it('leaves a request within the policy as it is (the same object)', () => {
    const request = { model: 'm', messages: [], max_tokens: 10 };
    const out = applyMaxTokensPolicy('anthropic', request, { maxTokens: 100 });
    expect(out).toEqual({ ok: true, request, changed: false });
    if (out.ok) expect(out.request).toBe(request);
    const openai = { model: 'm', messages: [] };
    expect(applyMaxTokensPolicy('openai', openai, { defaultMaxTokens: 100 })).toEqual({
      ok: true,
      request: openai,
      changed: false,
    });
  });

  it('gives an OpenAI request without a limit the default only when the route has a cap', () => {
    const openai = { model: 'm', messages: [] };
    expect(applyMaxTokensPolicy('openai', openai, { maxTokens: 100 })).toEqual({
      ok: true,
      request: { ...openai, max_completion_tokens: 100 },
      changed: true,
    });
    expect(
      applyMaxTokensPolicy('openai', openai, { maxTokens: 8000, defaultMaxTokens: 300 }),
    ).toMatchObject({ request: { max_completion_tokens: 300 } });
    expect(openai).toEqual({ model: 'm', messages: [] });
  });

  it('defaultMaxTokensOf: the default, or 4096, never above the cap', () => {
    expect(defaultMaxTokensOf({})).toBe(4096);
    expect(defaultMaxTokensOf({ defaultMaxTokens: 300 })).toBe(300);
    expect(defaultMaxTokensOf({ defaultMaxTokens: 300, maxTokens: 100 })).toBe(100);
    expect(defaultMaxTokensOf({ maxTokens: 100 })).toBe(100);
    expect(defaultMaxTokensOf({ maxTokens: 9000 })).toBe(4096);
  });
});
