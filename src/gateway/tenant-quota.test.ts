import { describe, expect, it } from 'vitest';
import { ManualClock } from '../core/clock.ts';
import { anthropicDialect } from '../dialects/anthropic/dialect.ts';
import { openaiDialect } from '../dialects/openai/dialect.ts';
import type { StreamEnd } from '../engine/caller-stream.ts';
import type { EngineAnswer } from '../engine/engine.ts';
import { BreakwaterError, RejectedError } from '../errors/index.ts';
import { ClientKeyring } from './client-keys.ts';
import { TenantQuota } from './tenant-quota.ts';

const KEY_A = 'bw-team-a-0123456789abcdef';
const KEY_B = 'bw-team-b-0123456789abcdef';
const KEY_C = 'bw-team-c-0123456789abcdef';

function setup(limits: { rpm?: number; tpm?: number }) {
  const clock = new ManualClock(0);
  const ring = new ClientKeyring([
    { id: 'limited', key: KEY_A, limits },
    { id: 'free', key: KEY_B },
  ]);
  const quota = new TenantQuota(ring.identities(), clock);
  return { clock, quota, limited: ring.authenticate(KEY_A)!, free: ring.authenticate(KEY_B)! };
}

const chat = { model: 'chat', max_tokens: 300, messages: [{ role: 'user', content: 'Hi' }] };

function refusal(fn: () => unknown): RejectedError {
  try {
    fn();
  } catch (err) {
    return err as RejectedError;
  }
  throw new Error('expected a refusal');
}

/** A JSON answer with `usage` in its body, read as the engine reads it. */
function json(usage: Record<string, number> | undefined, target?: string): EngineAnswer {
  const body = { id: 'x', usage };
  const dialect = usage && 'input_tokens' in usage ? anthropicDialect : openaiDialect;
  return {
    kind: 'json',
    body,
    usage: dialect.responseUsage(body as never),
    meta: { route: 'chat', target, attempts: 1, cache: 'off', fallback: 'none', trail: [] },
  };
}

describe('TenantQuota', () => {
  it('admits a key’s rpm, then refuses at once with the wait until the next request fits', async () => {
    const { clock, quota, limited } = setup({ rpm: 2 });
    expect(quota.admit(limited, 'openai', chat, '100')).toBe(0);
    expect(quota.admit(limited, 'openai', chat, '100')).toBe(0);
    const err = refusal(() => quota.admit(limited, 'openai', chat, '100'));
    expect(err).toBeInstanceOf(RejectedError);
    expect(err.code).toBe('rate_limited');
    expect(err.status).toBe(429);
    expect(err.retryable).toBe(true);
    expect(err.retryAfterMs).toBe(30_000);
    expect(err.message).toMatch(/client key "limited" is over its per-key rate limit/);
    expect(err.message).toMatch(/2 requests per minute/);
    expect(err.hint).toMatch(/retry after 30 s/);
    expect(err.hint).not.toContain(KEY_A);

    // The refused request took nothing: half a minute later exactly one more fits.
    await clock.advance(29_999);
    expect(refusal(() => quota.admit(limited, 'openai', chat, '100')).retryAfterMs).toBe(1);
    await clock.advance(1);
    quota.admit(limited, 'openai', chat, '100');
    expect(refusal(() => quota.admit(limited, 'openai', chat, '100')).code).toBe('rate_limited');
  });

  it('leaves keys without limits alone', () => {
    const { quota, free } = setup({ rpm: 1 });
    expect(quota.size).toBe(1);
    for (let i = 0; i < 100; i++) expect(quota.admit(free, 'openai', chat, '100')).toBe(0);
  });

  it('charges a tpm deposit of body bytes / 4 plus the output asked for, and says what is left', () => {
    const { quota, limited } = setup({ tpm: 1000 });
    expect(quota.admit(limited, 'openai', chat, '400')).toBe(400);
    expect(quota.admit(limited, 'anthropic', chat, '400')).toBe(400);
    const err = refusal(() => quota.admit(limited, 'openai', chat, '400'));
    expect(err.code).toBe('rate_limited');
    expect(err.message).toMatch(
      /1000 tokens per minute \(this request needs about 400, 200 left\)/,
    );
    // 200 missing at 1000 per minute.
    expect(err.retryAfterMs).toBe(12_000);
    // OpenAI's larger maximum, times `n`; no maximum at all deposits the prompt only.
    const { quota: q2, limited: l2 } = setup({ tpm: 10_000 });
    expect(q2.admit(l2, 'openai', { ...chat, max_completion_tokens: 500, n: 2 }, '40')).toBe(1010);
    expect(q2.admit(l2, 'openai', { model: 'chat', messages: [] }, '40')).toBe(10);
  });

  it('measures a body sent without a content-length, and caps the deposit at the key’s tpm', () => {
    const { quota, limited } = setup({ tpm: 1000 });
    const body = { model: 'chat', messages: [{ role: 'user', content: 'x'.repeat(396) }] };
    expect(quota.admit(limited, 'openai', body, undefined)).toBe(
      Math.ceil(JSON.stringify(body).length / 4),
    );
    const { quota: q2, limited: l2 } = setup({ tpm: 1000 });
    // A huge body is not refused outright: a full bucket takes it, whatever its estimate.
    expect(q2.admit(l2, 'openai', chat, '4000000')).toBe(1000);
    expect(refusal(() => q2.admit(l2, 'openai', chat, '40')).retryAfterMs).toBe(18_600);
  });

  it('checks rpm and tpm together and waits for the later of the two', () => {
    const { quota, limited } = setup({ rpm: 60, tpm: 600 });
    quota.admit(limited, 'openai', chat, '400');
    const err = refusal(() => quota.admit(limited, 'openai', chat, '400'));
    expect(err.message).toMatch(/600 tokens per minute/);
    expect(err.message).not.toMatch(/requests per minute/);
    expect(err.retryAfterMs).toBe(20_000);
  });

  it('corrects the deposit by the usage a JSON answer reports', async () => {
    const { quota, limited } = setup({ tpm: 1000 });
    const deposit = quota.admit(limited, 'openai', chat, '400');
    const usage = { prompt_tokens: 20, completion_tokens: 30, total_tokens: 50 };
    const answer = json(usage, 'openai/gpt-4o');
    await expect(quota.track(limited, deposit, Promise.resolve(answer))).resolves.toBe(answer);
    // 950 left: two more deposits of 400 fit, a third does not.
    quota.admit(limited, 'openai', chat, '400');
    quota.admit(limited, 'openai', chat, '400');
    expect(refusal(() => quota.admit(limited, 'openai', chat, '400')).code).toBe('rate_limited');
  });

  it('charges output the request did not cap, going into debt', async () => {
    const { quota, limited } = setup({ tpm: 1000 });
    const body = { model: 'claude', messages: [] };
    const deposit = quota.admit(limited, 'anthropic', body, '40');
    expect(deposit).toBe(10);
    const usage = { input_tokens: 10, output_tokens: 1490 };
    await quota.track(limited, deposit, Promise.resolve(json(usage, 'a/b')));
    // 1000 - 1500 = -500: 510 tokens short of the next deposit of 10, at 1000 per minute.
    expect(refusal(() => quota.admit(limited, 'anthropic', body, '40')).retryAfterMs).toBe(30_600);
  });

  it('refunds the deposit of a cached answer and of a failed call', async () => {
    const { quota, limited } = setup({ tpm: 500 });
    let deposit = quota.admit(limited, 'openai', chat, '400');
    await quota.track(limited, deposit, Promise.resolve(json({ total_tokens: 9 })));
    deposit = quota.admit(limited, 'openai', chat, '400');
    const failure = new BreakwaterError('server_error', 'upstream failed');
    await expect(quota.track(limited, deposit, Promise.reject(failure))).rejects.toBe(failure);
    expect(quota.admit(limited, 'openai', chat, '400')).toBe(400);
  });

  it('settles a stream when it ends, and keeps the deposit when it reported no usage', async () => {
    const { quota, limited } = setup({ tpm: 1000 });
    const stream = (usage: StreamEnd['usage']): EngineAnswer => ({
      kind: 'stream',
      body: (async function* () {})(),
      ended: Promise.resolve({ usage, abandoned: false }),
      meta: {
        route: 'chat',
        target: 'a/b',
        attempts: 1,
        cache: 'off',
        fallback: 'none',
        trail: [],
      },
    });
    let deposit = quota.admit(limited, 'openai', chat, '400');
    await quota.track(limited, deposit, Promise.resolve(stream(undefined)));
    deposit = quota.admit(limited, 'openai', chat, '400');
    const used = {
      inputTokens: 40,
      outputTokens: 60,
      cacheReadInputTokens: 0,
      cacheCreationInputTokens: 0,
      reasoningTokens: 0,
      estimated: false,
    };
    await quota.track(limited, deposit, Promise.resolve(stream(used)));
    await Promise.resolve();
    // 1000 - 400 (kept) - 100 (used) = 500 left: one more deposit of 400.
    quota.admit(limited, 'openai', chat, '400');
    expect(refusal(() => quota.admit(limited, 'openai', chat, '400')).code).toBe('rate_limited');
  });

  it('returns the call itself for a key with rpm only', () => {
    const clock = new ManualClock(0);
    const ring = new ClientKeyring([{ id: 'c', key: KEY_C, limits: { rpm: 5 } }]);
    const quota = new TenantQuota(ring.identities(), clock);
    const call = Promise.resolve(json(undefined));
    expect(quota.track(ring.authenticate(KEY_C)!, 0, call)).toBe(call);
  });
});
