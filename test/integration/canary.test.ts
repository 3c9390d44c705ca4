/**
 * The canary: unique marker strings in every key (provider keys, client keys, the admin key, a
 * wrong key) and in every prompt, sent through every path — success, each error class (the
 * provider's 400, 401, 429, 500, 529, a hang, a reset, malformed JSON, an error mid-stream,
 * breakwater's own validation, limiter, budget, route and key refusals), retries, fallback,
 * cache, static, streaming and a cancelled stream — at every log level with the log written to
 * the rotated file sink. No marker may appear in any byte written: not in a log file, not in
 * /metrics, /status or /dashboard/data, not in a span. And no byte sent to a client — status
 * lines, headers, bodies, stream events — may hold a configured provider key or a piece of one.
 */
import { once } from 'node:events';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { trace } from '@opentelemetry/api';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config/config-resolve.ts';
import type { LogLevel } from '../../src/config/config-telemetry.ts';
import { buildGateway } from '../../src/gateway/index.ts';
import { type MockServer, type Scenario, startMock } from '../../src/mock/index.ts';
import { COMPAT_POLICY, captureWire, faultScenario } from './gateway-harness.ts';

const MARK = `CANARY${Math.random().toString(36).slice(2, 10).toUpperCase()}`;
const OPENAI_KEY = `sk-proj-${MARK}openaikey0123456789`;
const ANTHROPIC_KEY = `plain-${MARK}-anthropic-key-0123456789`;
const CLIENT_KEY = `bw-client-${MARK}-0123456789abcdef`;
const NARROW_KEY = `bw-narrow-${MARK}-0123456789abcdef`;
const ADMIN_KEY = `bw-admin-${MARK}-0123456789abcdef`;
const WRONG_KEY = `bw-wrong-${MARK}-0123456789abcdef`;
const PROMPT = `PROMPT-${MARK}-what-is-the-launch-code`;
const SYSTEM = `SYSTEM-${MARK}-you-are-a-canary`;

const LEVELS = ['trace', 'debug', 'info', 'warn', 'error'] as const;

function scenario(): Scenario {
  const base = faultScenario();
  return {
    ...base,
    models: {
      ...base.models,
      'gpt-401': {
        faults: [{ kind: 'status', status: 401, variant: 'text_plain_401', probability: 1 }],
      },
      'claude-slow': { outputTokens: 60, latency: { perTokenMs: 40 } },
    },
  };
}

let mock: MockServer;
let dir: string;
const exporter = new InMemorySpanExporter();

beforeAll(async () => {
  trace.setGlobalTracerProvider(
    new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }),
  );
  mock = await startMock(scenario());
  dir = await mkdtemp(join(tmpdir(), 'bw-canary-'));
});
afterAll(async () => {
  trace.disable();
  await mock.close();
  await rm(dir, { recursive: true, force: true });
});

async function gateway(
  level: LogLevel,
  content = false,
): Promise<{ app: FastifyInstance; url: string; wire: () => string }> {
  const config = resolveConfig(
    {
      providers: {
        openai: { baseUrl: mock.url, apiKey: OPENAI_KEY },
        anthropic: { baseUrl: mock.url, apiKey: ANTHROPIC_KEY },
      },
      policy: COMPAT_POLICY,
      routes: {
        chat: { tiers: ['openai/gpt-4o-mini'] },
        fallback: { tiers: ['openai/gpt-down', 'anthropic/claude-haiku-4-5'] },
        cached: { tiers: ['openai/gpt-4o'], policy: { cache: { mode: 'fallback' } } },
        static: { tiers: ['openai/gpt-500'], staticMessage: 'busy' },
        limited: { tiers: ['openai/gpt-4.1'] },
        budgeted: { tiers: ['openai/gpt-4o-mini'] },
      },
      limits: { targets: { 'openai/gpt-4.1': { rpm: 1 } } },
      budgets: { routes: { budgeted: { dailyUsd: 0.000001 } } },
      telemetry: {
        adminKey: ADMIN_KEY,
        logs: {
          level,
          content: { enabled: content },
          // Small files: every level's log rotates, so rotated files are checked too.
          file: { path: join(dir, level, 'gateway.log'), maxBytes: 4096, keep: 100 },
        },
      },
    },
    { env: {} },
  );
  const app = buildGateway({
    config,
    clientKeys: [
      { id: 'app', key: CLIENT_KEY },
      { id: 'narrow', key: NARROW_KEY, routes: ['chat'] },
    ],
  });
  const wire = captureWire(app);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as { port: number };
  return { app, url: `http://127.0.0.1:${port}`, wire };
}

const messages = [
  { role: 'system', content: SYSTEM },
  { role: 'user', content: PROMPT },
];

/** Every path once; returns the statuses, and what the admin endpoints answered. */
async function everyPath(url: string): Promise<{ statuses: number[]; served: string }> {
  const statuses: number[] = [];
  const send = async (
    path: string,
    body: unknown,
    key = CLIENT_KEY,
    signal?: AbortSignal,
  ): Promise<Response> => {
    const res = await fetch(`${url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify(body),
      signal,
    });
    statuses.push(res.status);
    return res;
  };
  const chat = (model: string, extra: Record<string, unknown> = {}, key?: string) =>
    send('/v1/chat/completions', { model, messages, user: PROMPT, ...extra }, key).then((r) =>
      r.text(),
    );
  const claude = (model: string, extra: Record<string, unknown> = {}) =>
    send('/v1/messages', {
      model,
      system: SYSTEM,
      max_tokens: 64,
      messages: [{ role: 'user', content: PROMPT }],
      ...extra,
    }).then((r) => r.text());

  mock.setScenario(scenario());
  await chat('chat');
  await chat('chat', { stream: true, stream_options: { include_usage: true } });
  await claude('anthropic/claude-haiku-4-5', { stream: true });
  for (const model of ['400', '401', '429', '500', '503', 'hang', 'reset', 'malformed'])
    await chat(`openai/gpt-${model}`);
  await claude('anthropic/claude-529');
  await chat('openai/gpt-midfail', { stream: true });
  await chat('openai/gpt-cut', { stream: true });
  await chat('fallback');
  await chat('static');
  await chat('cached');
  await chat('limited');
  await chat('limited');
  await chat('budgeted', { max_tokens: 2000 });
  await chat('chat', { messages: PROMPT });
  await chat('chat', { temperature: PROMPT });
  await chat('smart', {}, NARROW_KEY);
  await chat('chat', {}, WRONG_KEY);
  await send('/v1/messages/count_tokens', { model: 'anthropic/claude-haiku-4-5', messages });
  // The cache serves the last good answer once its target fails.
  mock.setScenario({
    ...scenario(),
    models: { ...scenario().models, 'gpt-4o': { down: [{ fromS: 0, status: 500 }] } },
  });
  await chat('cached');
  // A stream the caller leaves midway.
  const leaving = new AbortController();
  const res = await send(
    '/v1/messages',
    {
      model: 'anthropic/claude-slow',
      max_tokens: 80,
      stream: true,
      messages: [{ role: 'user', content: PROMPT }],
    },
    CLIENT_KEY,
    leaving.signal,
  );
  await res.body!.getReader().read();
  leaving.abort();

  let served = '';
  for (const path of ['/metrics', '/status', '/dashboard/data']) {
    for (const key of [ADMIN_KEY, CLIENT_KEY]) {
      const r = await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${key}` } });
      served += await r.text();
    }
  }
  return { statuses, served };
}

/** Ends the gateway's file sink (a worker thread) and waits until its files are closed. */
async function closeLog(app: FastifyInstance): Promise<void> {
  const stream = (app.log as unknown as Record<symbol, NodeJS.WritableStream>)[
    pino.symbols.streamSym
  ]!;
  stream.end();
  await once(stream, 'close');
}

/** Every byte of every file under `folder`, rotated ones included. */
async function written(folder: string): Promise<{ files: string[]; text: string }> {
  const files = (await readdir(folder)).sort();
  const texts = await Promise.all(files.map((f) => readFile(join(folder, f), 'utf8')));
  return { files, text: texts.join('') };
}

describe('the canary', () => {
  it.each(LEVELS)('finds no marker in anything written at level %s', async (level) => {
    const { app, url, wire } = await gateway(level);
    const { statuses, served } = await everyPath(url);
    // The paths really were taken: successes, the provider's errors and breakwater's own.
    for (const status of [200, 400, 401, 403, 429, 502, 503]) expect(statuses).toContain(status);
    await app.close();
    await closeLog(app);

    const { files, text } = await written(join(dir, level));
    const lines = text.trim().split('\n').filter(Boolean);
    if (level === 'trace' || level === 'debug' || level === 'info') {
      expect(lines.filter((l) => l.includes('"msg":"request"')).length).toBeGreaterThan(20);
      expect(files.length).toBeGreaterThan(1);
    }
    if (level === 'debug') expect(text).toContain('"event":"retry"');
    for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();

    expect(text).not.toContain(MARK);
    expect(served).not.toContain(MARK);
    expect(served).toContain('breakwater_requests_total');
    const spans = exporter.getFinishedSpans();
    expect(spans.length).toBeGreaterThan(10);
    const spanText = JSON.stringify(
      spans.map((s) => [s.name, s.attributes, s.events, s.status, s.links]),
    );
    expect(spanText).not.toContain(MARK);
    exporter.reset();

    // Every byte sent to a client, whatever the path took: no provider key, whole or in part.
    const sent = wire();
    expect(sent).toContain('HTTP/1.1 502');
    expect(sent).toContain('data: ');
    for (const key of [OPENAI_KEY, ANTHROPIC_KEY]) {
      for (const part of [key, key.slice(0, 16), key.slice(-12)]) {
        expect(sent, part).not.toContain(part);
      }
    }
    // Nor any other marker: the gateway echoes no key and no prompt text in its answers.
    expect(sent).not.toContain(MARK);
  });

  it('would see a marker that was written: content logging, opted in, writes the prompt', async () => {
    const { app, url } = await gateway('info', true);
    const res = await fetch(`${url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${CLIENT_KEY}` },
      body: JSON.stringify({ model: 'chat', messages: [{ role: 'user', content: PROMPT }] }),
    });
    expect(res.status).toBe(200);
    await res.text();
    await app.close();
    await closeLog(app);
    const { text } = await written(join(dir, 'info'));
    expect(text).toContain(MARK);
    exporter.reset();
  });
});
