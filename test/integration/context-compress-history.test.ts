/**
 * compressHistory through breakwater's own engine against the simulator: the summary call is a
 * real call (the simulator counts it), bounded by maxSummaryTokens, and protected like any other
 * (a failing first tier falls back to the next).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type BreakwaterClient, createClient } from '../../src/client/create-client.ts';
import { compressHistory, SUMMARY_PREFIX } from '../../src/context/index.ts';
import { type MockServer, type Scenario, startMock } from '../../src/mock/index.ts';

let mock: MockServer | undefined;
let client: BreakwaterClient | undefined;
afterEach(async () => {
  await client?.close();
  await mock?.close();
  client = mock = undefined;
});

async function setup(scenario: Scenario) {
  mock = await startMock(scenario, { seed: 7 });
  client = createClient(
    {
      providers: {
        openai: { baseUrl: mock.url, apiKey: 'sk-test' },
        anthropic: { baseUrl: mock.url, apiKey: 'sk-ant-test' },
      },
      policy: { retry: { maxAttempts: 1 } },
      routes: { cheap: { tiers: ['openai/gpt-4o-mini', 'anthropic/claude-haiku-4-5'] } },
    },
    { env: {} },
  );
  return { mock, client };
}

function conversation(turns: number) {
  const messages: Record<string, unknown>[] = [{ role: 'system', content: 'Be helpful.' }];
  for (let i = 0; i < turns; i++) {
    messages.push(
      { role: 'user', content: `question ${i}` },
      { role: 'assistant', content: `answer ${i}` },
    );
  }
  return messages;
}

async function stats(url: string) {
  return (await (await fetch(`${url}/__stats`)).json()) as {
    models: Record<string, { requests: number; ok: number }>;
  };
}

describe('compressHistory against the simulator', () => {
  it('replaces the older turns by a summary written through the engine', async () => {
    const { mock, client } = await setup({ default: { outputTokens: 300 } });
    const messages = conversation(6);
    const out = await compressHistory(messages, {
      route: 'cheap',
      client,
      keepLastN: 2,
      maxSummaryTokens: 40,
    });
    expect(out[0]).toEqual(messages[0]);
    expect(out[1]!.role).toBe('system');
    const summary = String(out[1]!.content);
    expect(summary.startsWith(SUMMARY_PREFIX)).toBe(true);
    // The simulator writes one word per output token: the cap reached it.
    expect(summary.slice(SUMMARY_PREFIX.length).trim().split(/\s+/)).toHaveLength(40);
    expect(out.slice(2)).toEqual(messages.slice(-2));
    expect((await stats(mock.url)).models['gpt-4o-mini']).toMatchObject({ requests: 1, ok: 1 });
  });

  it('is protected like any call: a failing first tier falls back to the next', async () => {
    const { mock, client } = await setup({
      models: { 'gpt-4o-mini': { faults: [{ kind: 'status', status: 503, probability: 1 }] } },
    });
    const messages = conversation(4);
    const out = await compressHistory(messages, { route: 'cheap', client, keepLastN: 2 });
    expect(String(out[1]!.content)).toContain(SUMMARY_PREFIX);
    const { models } = await stats(mock.url);
    expect(models['gpt-4o-mini']).toMatchObject({ requests: 1, ok: 0 });
    expect(models['claude-haiku-4-5']).toMatchObject({ requests: 1, ok: 1 });
  });

  it('makes no call when there is nothing older than the kept turns', async () => {
    const { mock, client } = await setup({});
    const messages = conversation(1);
    expect(await compressHistory(messages, { route: 'cheap', client, keepLastN: 4 })).toEqual(
      messages,
    );
    expect((await stats(mock.url)).models).toEqual({});
  });

  it('keeps an Anthropic conversation in its dialect: the summary is a user turn', async () => {
    const { client } = await setup({});
    const messages = [
      { role: 'user', content: 'hi' },
      { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'f', input: {} }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: 'ok' }] },
      { role: 'assistant', content: 'done' },
      { role: 'user', content: 'next' },
    ];
    const out = await compressHistory(messages, { route: 'cheap', client, keepLastN: 2 });
    expect(out[0]!.role).toBe('user');
    expect(String(out[0]!.content)).toContain(SUMMARY_PREFIX);
    expect(out.slice(1)).toEqual(messages.slice(-2));
  });

  it('rejects with the engine error when every tier fails', async () => {
    const { client } = await setup({
      default: { faults: [{ kind: 'status', status: 500, probability: 1 }] },
    });
    await expect(
      compressHistory(conversation(4), { route: 'cheap', client, keepLastN: 1 }),
    ).rejects.toMatchObject({ code: 'server_error' });
  });
});
