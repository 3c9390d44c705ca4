/**
 * Client keys' own limits, through the real gateway on 127.0.0.1 in front of the simulator, with
 * the keys read from a key file: a key over its `rpm` is refused at once with a 429 and
 * Retry-After that both official SDKs raise as `RateLimitError`, while other keys carry on; a
 * key's `tpm` deposit is corrected by the usage the answers report; and a key's `budget` stops
 * that tenant, and only that tenant, with `budget_exceeded`. The quota's clock is a manual one,
 * so "a minute later" is a call, not a wait.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/config-error.ts';
import { resolveConfig } from '../../src/config/config-resolve.ts';
import { ManualClock } from '../../src/core/clock.ts';
import { buildGateway, hashClientKey, loadClientKeysFile } from '../../src/gateway/index.ts';
import { type Stack, startStack } from './gateway-harness.ts';

const RPM_KEY = 'bw-rpm-key-0123456789abcdef';
const TPM_KEY = 'bw-tpm-key-0123456789abcdef';
const BUDGET_KEY = 'bw-budget-key-0123456789abcdef';
const FREE_KEY = 'bw-free-key-0123456789abcdef';

const KEY_FILE = `keys:
  - id: two-a-minute
    keyHash: ${hashClientKey(RPM_KEY)}
    limits: { rpm: 2 }
  - id: few-tokens
    keyHash: ${hashClientKey(TPM_KEY)}
    limits: { tpm: 400 }
  - id: small-budget
    keyHash: ${hashClientKey(BUDGET_KEY)}
    budget: { dailyUsd: 0.0005 }
  - id: free
    keyHash: ${hashClientKey(FREE_KEY)}
`;

let stack: Stack;
let dir: string;
const clock = new ManualClock(Date.UTC(2025, 0, 1));

const user = [{ role: 'user' as const, content: 'Hi' }];
const openai = (key: string) =>
  new OpenAI({ apiKey: key, baseURL: `${stack.url}/v1`, maxRetries: 0 });
const anthropic = (key: string) =>
  new Anthropic({ apiKey: key, baseURL: stack.url, maxRetries: 0 });

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.unreachable('expected the call to fail'),
    (err: unknown) => err,
  );
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bw-client-limits-'));
  const file = join(dir, 'keys.yaml');
  await writeFile(file, KEY_FILE);
  stack = await startStack({
    scenario: { seed: 3, default: { outputTokens: 12 } },
    routes: {
      chat: { tiers: ['openai/gpt-4o-mini'] },
      smart: { tiers: ['anthropic/claude-sonnet-4-5'] },
      pricey: { tiers: ['openai/gpt-4o'] },
    },
    gateway: { clientKeys: await loadClientKeysFile(file), clock },
  });
});

afterAll(async () => {
  await stack?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('a client key’s rpm', () => {
  it('answers twice, then 429 with Retry-After in OpenAI dialect; other keys carry on', async () => {
    const client = openai(RPM_KEY);
    for (let i = 0; i < 2; i++) {
      const done = await client.chat.completions.create({ model: 'chat', messages: user });
      expect(done.choices[0]?.message.content).toBeTruthy();
    }
    const err = await rejection(client.chat.completions.create({ model: 'chat', messages: user }));
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    const limited = err as InstanceType<typeof OpenAI.RateLimitError>;
    expect(limited.code).toBe('rate_limit_exceeded');
    expect(limited.headers?.get('retry-after')).toBe('30');
    expect(limited.headers?.get('x-should-retry')).toBe('true');
    expect(limited.message).toMatch(
      /client key "two-a-minute" is over its per-key rate limit at this gateway: 2 requests per minute/,
    );
    expect(limited.message).toMatch(/retry after 30 s/);
    expect(limited.message).not.toContain(RPM_KEY);

    const free = openai(FREE_KEY);
    for (let i = 0; i < 4; i++) {
      await free.chat.completions.create({ model: 'chat', messages: user });
    }

    const line = stack.logs
      .map((l) => JSON.parse(l))
      .find((l) => l.tenant === 'two-a-minute' && l.status === 429);
    expect(line).toMatchObject({ msg: 'request', code: 'rate_limited', outcome: 'error' });
    // Refused before the engine: nothing reached the provider.
    expect(line.attempts).toBeUndefined();
  });

  it('is the same bucket in Anthropic dialect, refilled a minute later', async () => {
    const client = anthropic(RPM_KEY);
    const ask = { model: 'smart', max_tokens: 32, messages: user };
    const early = await rejection(client.messages.create(ask));
    expect(early).toBeInstanceOf(Anthropic.RateLimitError);

    await clock.advance(60_000);
    for (let i = 0; i < 2; i++) {
      const done = await client.messages.create(ask);
      expect(done.content[0]?.type).toBe('text');
    }
    const err = await rejection(client.messages.create(ask));
    expect(err).toBeInstanceOf(Anthropic.RateLimitError);
    const limited = err as InstanceType<typeof Anthropic.RateLimitError>;
    expect(limited.headers?.get('retry-after')).toBe('30');
    const body = limited.error as { type: string; error: { type: string; message: string } };
    expect(body.type).toBe('error');
    expect(body.error.type).toBe('rate_limit_error');
    expect(body.error.message).toMatch(/client key "two-a-minute" is over its per-key rate limit/);
  });
});

describe('a client key’s tpm', () => {
  it('corrects each deposit by the usage reported, plain and streaming', async () => {
    const client = openai(TPM_KEY);
    // Each call deposits its body / 4 plus max_tokens (well over 200 of the 400), then is charged
    // what the simulator reports (a few dozen): without the correction the second would wait.
    const ask = { model: 'chat', max_tokens: 250, messages: user };
    for (let i = 0; i < 3; i++) {
      await client.chat.completions.create(ask);
      const stream = await client.chat.completions.create({ ...ask, stream: true });
      for await (const _ of stream);
    }
    const err = await rejection(client.chat.completions.create({ ...ask, max_tokens: 390 }));
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    const limited = err as InstanceType<typeof OpenAI.RateLimitError>;
    expect(limited.message).toMatch(
      /"few-tokens" .*400 tokens per minute \(this request needs about 400, \d+ left\)/,
    );
    expect(Number(limited.headers?.get('retry-after'))).toBeGreaterThan(0);
  });
});

describe('a client key’s budget', () => {
  it('stops that tenant with budget_exceeded, and no one else', async () => {
    const client = openai(BUDGET_KEY);
    const ask = { model: 'pricey', max_tokens: 20, messages: user };
    let answered = 0;
    let err: unknown;
    while (answered < 10 && err === undefined) {
      err = await client.chat.completions.create(ask).then(
        () => void answered++,
        (e: unknown) => e,
      );
    }
    // $0.0005 a day at gpt-4o prices: a call may cost up to ~$0.0002 and costs ~$0.00015.
    expect(answered).toBeGreaterThanOrEqual(1);
    expect(answered).toBeLessThan(5);
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    const over = err as InstanceType<typeof OpenAI.RateLimitError>;
    expect(over.type).toBe('insufficient_quota');
    expect(over.code).toBe('budget_exceeded');
    expect(over.headers?.get('x-should-retry')).toBe('false');
    expect(over.message).toMatch(/budget exceeded: tenant "small-budget" daily budget of \$0\.00/);

    const other = await openai(FREE_KEY).chat.completions.create(ask);
    expect(other.choices[0]?.message.content).toBeTruthy();
  });

  it('refuses a tenant budgeted in both the config and the key file', () => {
    const config = resolveConfig({
      providers: { openai: { baseUrl: stack.mock.url, apiKey: 'sk-test-0123456789' } },
      budgets: { tenants: { 'small-budget': { dailyUsd: 1 } } },
    });
    const build = () =>
      buildGateway({
        config,
        clientKeys: [{ id: 'small-budget', key: BUDGET_KEY, budget: { dailyUsd: 2 } }],
      });
    expect(build).toThrow(ConfigError);
    expect(build).toThrow(
      /budgets\.tenants\.small-budget: client key "small-budget" carries its own `budget` too/,
    );
  });
});
