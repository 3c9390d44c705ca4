/**
 * The providers' answers of late 2026 (provider-wire.md §9) through the engine, for callers of
 * both dialects: a billing 429 rests its key and the next key or tier serves at once; a 429
 * `slow_down` lowers the send rate and holds it; a 503 `server_is_overloaded` is retried, then
 * failed over; a CDN's 52x page is retried or failed over and never shown; an overload event
 * inside a 200 stream before any content is retried or failed over unseen. Real sockets on
 * 127.0.0.1: the simulator, and a small server that answers by key.
 */
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config/config-resolve.ts';
import type { BreakwaterConfig } from '../../src/config/config-types.ts';
import { ManualClock } from '../../src/core/clock.ts';
import { renderError } from '../../src/dialects/render-error.ts';
import { Engine, type EngineAnswer } from '../../src/engine/engine.ts';
import type { BreakwaterError } from '../../src/errors/index.ts';
import type { LimiterStats } from '../../src/limiter/index.ts';
import { type BareFault, type MockServer, startMock } from '../../src/mock/index.ts';

let mock: MockServer;
/** Answers a billing 429 to `sk-broke`, a completion to any other key; counts by key. */
const byKey = new Map<string, number>();
let keyedUrl = '';
const keyed = createServer(async (req, res) => {
  for await (const _ of req);
  const key = String(req.headers.authorization).replace('Bearer ', '');
  byKey.set(key, (byKey.get(key) ?? 0) + 1);
  res.setHeader('content-type', 'application/json');
  if (key === 'sk-broke') {
    res.statusCode = 429;
    res.end(
      JSON.stringify({
        error: {
          message: 'You exceeded your current quota, please check your plan and billing details.',
          type: 'insufficient_quota',
          param: null,
          code: 'credit_balance_exhausted',
        },
      }),
    );
    return;
  }
  res.end(
    JSON.stringify({
      id: 'chatcmpl-1',
      object: 'chat.completion',
      created: 1,
      model: 'gpt-4o',
      choices: [{ index: 0, message: { role: 'assistant', content: 'Hi' }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 },
    }),
  );
});
const engines: Engine[] = [];

beforeAll(async () => {
  const only = (fault: BareFault) => ({
    faults: [{ ...fault, probability: 1 }],
  });
  mock = await startMock({
    seed: 9,
    default: { outputTokens: 4 },
    models: {
      'gpt-broke': only({ kind: 'billing', code: 'project_spend_limit_exceeded' }),
      'gpt-slow-down': only({ kind: 'slow_down', retryAfterS: 1 }),
      'gpt-cdn': only({ kind: 'cdn_error', status: 522 }),
      'gpt-overloaded': only({ kind: 'server_overloaded' }),
      'claude-cdn': only({ kind: 'cdn_error', status: 520 }),
      'claude-event': only({ kind: 'overloaded_event' }),
      'gpt-event': only({ kind: 'overloaded_event' }),
    },
  });
  keyed.listen(0, '127.0.0.1');
  await once(keyed, 'listening');
  keyedUrl = `http://127.0.0.1:${(keyed.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await Promise.all(engines.map((e) => e.close()));
  await mock.close();
  keyed.closeAllConnections();
  keyed.close();
});

function engine(routes: BreakwaterConfig['routes'] = {}, clock = new ManualClock(Date.now())) {
  const e = new Engine(
    resolveConfig({
      providers: {
        openai: { baseUrl: mock.url, apiKey: 'sk-test' },
        anthropic: { baseUrl: mock.url, apiKey: 'sk-ant-test' },
        keyed: { dialect: 'openai', baseUrl: keyedUrl, apiKey: ['sk-broke', 'sk-good'] },
      },
      routes,
      // Backoff waits of 0 (random() = 0): retries happen at once on the manual clock.
      policy: { retry: { maxAttempts: 3 } },
    }),
    { clock, random: () => 0 },
  );
  engines.push(e);
  return e;
}

const openaiAsk = (model: string, stream = false) => ({
  model,
  messages: [{ role: 'user', content: 'Hi' }],
  ...(stream ? { stream: true } : {}),
});
const anthropicAsk = (model: string, stream = false) => ({
  model,
  max_tokens: 50,
  messages: [{ role: 'user', content: 'Hi' }],
  ...(stream ? { stream: true } : {}),
});
const ask = (dialect: 'openai' | 'anthropic', model: string, stream = false) =>
  dialect === 'openai' ? openaiAsk(model, stream) : anthropicAsk(model, stream);
const failed = (call: Promise<unknown>) =>
  call.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (err: unknown) => err as BreakwaterError,
  );

/** Lets `call` run to its end, moving the manual clock 100 ms a turn of the event loop. */
async function pumped<T>(call: Promise<T>, clock: ManualClock): Promise<T> {
  let done = false;
  const settled = call.finally(() => {
    done = true;
  });
  while (!done) {
    await clock.advance(100);
    await new Promise((resolve) => setImmediate(resolve));
  }
  return settled;
}

async function text(answer: EngineAnswer): Promise<string> {
  if (answer.kind !== 'stream') return JSON.stringify(answer.body);
  let out = '';
  for await (const chunk of answer.body) out += Buffer.from(chunk).toString('utf8');
  return out;
}

describe('billing 429s: never retried on that key', () => {
  it('rests the key and serves at once with the next one', async () => {
    byKey.clear();
    const e = engine();
    const first = await e.call('openai', openaiAsk('keyed/gpt-4o'));
    expect(first.meta.trail.map((a) => [a.result, a.code])).toEqual([
      ['error', 'quota_exhausted'],
      ['ok', undefined],
    ]);
    for (let i = 0; i < 3; i++) await e.call('openai', openaiAsk('keyed/gpt-4o'));
    // The exhausted key was asked once; the other served every call after it.
    expect(Object.fromEntries(byKey)).toEqual({ 'sk-broke': 1, 'sk-good': 4 });
  });

  it.each(['openai', 'anthropic'] as const)(
    'with no other key, goes to the next tier at once (%s caller)',
    async (dialect) => {
      mock.reset();
      const e = engine({ chat: { tiers: ['openai/gpt-broke', 'anthropic/claude-ok'] } });
      const answer = await e.call(dialect, ask(dialect, 'chat'));
      expect(answer.meta.target).toBe('anthropic/claude-ok');
      expect(mock.stats().models['gpt-broke']?.requests).toBe(1);
      const error = await failed(e.call(dialect, ask(dialect, 'openai/gpt-broke')));
      expect([error.code, error.retryable]).toEqual(['quota_exhausted', false]);
      expect(renderError(error, dialect).headers['retry-after']).toBeUndefined();
    },
  );
});

describe('429 slow_down', () => {
  it('lowers the send rate and holds it', async () => {
    const clock = new ManualClock(Date.now());
    const e = engine({}, clock);
    const started = clock.now();
    const error = await pumped(failed(e.call('openai', openaiAsk('openai/gpt-slow-down'))), clock);
    // Each retry waited out the 1 s Retry-After.
    expect(clock.now() - started).toBeGreaterThanOrEqual(2000);
    expect([error.code, error.providerCode]).toEqual(['rate_limited', 'slow_down']);
    const stats = (e.admission as unknown as { stats(): LimiterStats }).stats();
    const lane = stats.lanes.find((l) => l.target === 'openai/gpt-slow-down')!;
    expect(lane.counts.slowDowns).toBeGreaterThanOrEqual(1);
    expect(lane.counts.upstream429).toBe(0);
    expect(lane.factor).toBeLessThan(1);
  });
});

describe.each(['openai', 'anthropic'] as const)('for a %s caller', (dialect) => {
  it('a CDN page is retried, then failed over, and never shown', async () => {
    mock.reset();
    const clock = new ManualClock(Date.now());
    const e = engine(
      { chat: { tiers: ['openai/gpt-cdn', 'anthropic/claude-cdn', 'openai/gpt-ok'] } },
      clock,
    );
    const answer = await pumped(e.call(dialect, ask(dialect, 'chat')), clock);
    expect(answer.meta.target).toBe('openai/gpt-ok');
    expect(answer.meta.trail.map((a) => a.code ?? 'ok')).toEqual([
      'bad_gateway',
      'bad_gateway',
      'bad_gateway',
      'bad_gateway',
      'bad_gateway',
      'bad_gateway',
      'ok',
    ]);
    const error = await pumped(
      failed(e.call(dialect, ask(dialect, 'anthropic/claude-cdn'))),
      clock,
    );
    const rendered = JSON.stringify(renderError(error, dialect).body);
    expect(rendered).not.toMatch(/<|cloudflare/i);
    expect(error.message).toContain('answered 520 from a CDN in front of it');
  });

  it('a 503 server_is_overloaded is retried, then failed over', async () => {
    mock.reset();
    const clock = new ManualClock(Date.now());
    const e = engine({ chat: { tiers: ['openai/gpt-overloaded', 'openai/gpt-ok'] } }, clock);
    const answer = await pumped(e.call(dialect, ask(dialect, 'chat')), clock);
    expect(answer.meta.target).toBe('openai/gpt-ok');
    expect(answer.meta.trail.map((a) => a.code ?? 'ok')).toEqual([
      'unavailable',
      'unavailable',
      'unavailable',
      'ok',
    ]);
    expect(mock.stats().models['gpt-overloaded']?.server_overloaded).toBe(3);
    const error = await pumped(
      failed(e.call(dialect, ask(dialect, 'openai/gpt-overloaded'))),
      clock,
    );
    expect([error.code, error.providerCode, error.retryable]).toEqual([
      'unavailable',
      'server_is_overloaded',
      true,
    ]);
    expect(renderError(error, dialect).status).toBe(503);
  });

  it('an overload event before any content is retried and failed over unseen', async () => {
    mock.reset();
    const clock = new ManualClock(Date.now());
    const e = engine(
      { chat: { tiers: ['anthropic/claude-event', 'openai/gpt-event', 'openai/gpt-ok'] } },
      clock,
    );
    const answer = await pumped(e.call(dialect, ask(dialect, 'chat', true)), clock);
    expect(answer.meta.target).toBe('openai/gpt-ok');
    expect(answer.meta.trail.map((a) => a.code ?? 'ok')).toEqual([
      'overloaded',
      'overloaded',
      'overloaded',
      'unavailable',
      'unavailable',
      'unavailable',
      'ok',
    ]);
    const body = await text(answer);
    expect(body).not.toMatch(/overload|error/i);
    expect(body).toContain(dialect === 'openai' ? 'data: [DONE]' : 'event: message_stop');
    expect(mock.stats().models['claude-event']?.overloaded_event).toBe(3);
  });
});
