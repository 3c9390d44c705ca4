/**
 * The key canary: a provider that repeats the gateway's own upstream key back — in a 401's
 * message, masked as OpenAI does or in full, in a 400's `code`, in a plain-text 500, in a request
 * id header, in a mid-stream error event — with keys of no known shape (not `sk-…`): a single key,
 * a list, and one a key function returns. Every byte the gateway writes to its clients' sockets
 * (status lines, headers, bodies, stream events) and every log line at trace level is scanned for
 * those key values, whole, cut short and masked. The upstream must have seen each key, or the
 * test proves nothing.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import Anthropic from '@anthropic-ai/sdk';
import type { FastifyInstance } from 'fastify';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config/config-resolve.ts';
import { buildGateway } from '../../src/gateway/index.ts';
import { createLogger } from '../../src/telemetry/logger.ts';
import { captureWire } from './gateway-harness.ts';

const PLAIN_KEY = 'PLAINKEY-example-0008hhhh';
const LIST_KEYS = ['LISTKEY1-anthropic-aaaa9999', 'LISTKEY2-anthropic-bbbb8888'];
const FN_KEY = 'FUNCKEY0-from-a-function-zzzz7777';
const KEYS = [PLAIN_KEY, ...LIST_KEYS, FN_KEY];

/** What a provider might show of a key: all of it, its head, its tail after a mask. */
function shapes(key: string): string[] {
  return [key, key.slice(0, 8), `${key.slice(0, 4)}****`, `****${key.slice(-4)}`, key.slice(-8)];
}

function masked(key: string): string {
  return `${key.slice(0, 8)}${'*'.repeat(10)}${key.slice(-4)}`;
}

const seen = new Set<string>();

function keyOf(req: IncomingMessage): string {
  const header = req.headers['x-api-key'];
  const key =
    (Array.isArray(header) ? header[0] : header) ??
    /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1] ??
    '';
  seen.add(key);
  return key;
}

function json(res: ServerResponse, status: number, body: unknown, headers = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

/** A provider of both dialects whose model names say how to echo the key. */
function echoUpstream(req: IncomingMessage, res: ServerResponse, body: Record<string, unknown>) {
  const key = keyOf(req);
  const anthropic = req.url?.startsWith('/v1/messages') ?? false;
  const model = String(body.model);
  const error = (status: number, message: string, extra: Record<string, unknown> = {}) =>
    anthropic
      ? json(res, status, { type: 'error', error: { type: 'api_error', message, ...extra } })
      : json(res, status, { error: { message, type: 'invalid_request_error', ...extra } });
  switch (model) {
    case 'echo-401':
      return error(401, `Incorrect API key provided: ${key}.`, { code: 'invalid_api_key' });
    case 'masked-401':
      return error(401, `Incorrect API key provided: ${masked(key)}. Find yours online.`);
    case 'code-400':
      return error(400, 'Your key is not allowed here.', { code: key, param: key });
    case 'text-500':
      res.writeHead(500, { 'content-type': 'text/plain' });
      return res.end(`internal error while checking ${key}`);
    case 'header-429':
      res.writeHead(429, {
        'content-type': 'application/json',
        'x-request-id': key,
        'request-id': key,
        'retry-after': '0',
      });
      return res.end(JSON.stringify({ error: { message: `slow down, ${key}`, type: 'x' } }));
    case 'stream-error':
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      if (anthropic) {
        res.write(
          `event: message_start\ndata: ${JSON.stringify({ type: 'message_start', message: { id: 'msg_1', type: 'message', role: 'assistant', model, content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 3, output_tokens: 0 } } })}\n\n`,
        );
        res.write(
          `event: content_block_start\ndata: ${JSON.stringify({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } })}\n\n`,
        );
        res.write(
          `event: content_block_delta\ndata: ${JSON.stringify({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hello' } })}\n\n`,
        );
        return res.end(
          `event: error\ndata: ${JSON.stringify({ type: 'error', error: { type: 'overloaded_error', message: `key ${key} was revoked mid-stream` } })}\n\n`,
        );
      }
      res.write(
        `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', created: 1, model, choices: [{ index: 0, delta: { role: 'assistant', content: 'Hello' }, finish_reason: null }] })}\n\n`,
      );
      return res.end(
        `data: ${JSON.stringify({ error: { message: `key ${masked(key)} was revoked mid-stream`, type: 'server_error', code: key } })}\n\n`,
      );
    default:
      return error(404, `no model ${model} for ${key}`);
  }
}

let upstream: Server;
let app: FastifyInstance;
let url = '';
const logs: string[] = [];
let wire: () => string;

beforeAll(async () => {
  upstream = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => echoUpstream(req, res, JSON.parse(Buffer.concat(chunks).toString())));
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  const address = upstream.address();
  const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const config = resolveConfig({
    providers: {
      plain: { dialect: 'openai', baseUrl: base, apiKey: PLAIN_KEY },
      listed: { dialect: 'anthropic', baseUrl: base, apiKey: LIST_KEYS },
      fn: { dialect: 'openai', baseUrl: base, apiKey: async () => FN_KEY },
    },
    policy: {
      retry: { maxAttempts: 1 },
      timeouts: { connectMs: 1_000, firstByteMs: 1_000, idleMs: 1_000, deadlineMs: 3_000 },
    },
  });
  const logger = createLogger({
    level: 'trace',
    destination: { write: (line: string) => void logs.push(line) },
  });
  app = buildGateway({ config, logger });
  wire = captureWire(app);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const own = app.server.address();
  url = `http://127.0.0.1:${typeof own === 'object' && own ? own.port : 0}`;
});

afterAll(async () => {
  await app.close();
  await new Promise((resolve) => upstream.close(resolve));
});

const MODELS = ['echo-401', 'masked-401', 'code-400', 'text-500', 'header-429', 'stream-error'];

async function drive(): Promise<number[]> {
  const statuses: number[] = [];
  const openai = new OpenAI({ apiKey: 'client', baseURL: `${url}/v1`, maxRetries: 0 });
  const anthropic = new Anthropic({ apiKey: 'client', baseURL: url, maxRetries: 0 });
  const messages = [{ role: 'user' as const, content: 'Hi' }];
  /** One call, read to its end; an error's status is kept (a call that answered leaves none). */
  const attempt = async (call: () => Promise<unknown>) => {
    try {
      const answer = await call();
      if (answer && typeof answer === 'object' && Symbol.asyncIterator in answer) {
        for await (const _ of answer as AsyncIterable<unknown>);
      }
    } catch (err) {
      statuses.push((err as { status?: number }).status ?? 0);
    }
  };
  for (const provider of ['plain', 'listed', 'fn']) {
    for (const model of MODELS) {
      const target = `${provider}/${model}`;
      for (const stream of [false, true]) {
        // Each SDK on its own: one that fails must not keep the other from being tried.
        await attempt(() => openai.chat.completions.create({ model: target, messages, stream }));
        await attempt(() =>
          anthropic.messages.create({ model: target, max_tokens: 16, messages, stream }),
        );
      }
    }
  }
  return statuses;
}

describe('the upstream key canary', () => {
  it('never sends a configured upstream key, or part of one, to a client or a log', async () => {
    const statuses = await drive();
    // Every call, in both SDKs, streaming or not, ended in an error the gateway rendered (no
    // key could hide in a 200): 3 providers × 6 models × 2 SDKs × 2 modes.
    expect(statuses).toHaveLength(3 * MODELS.length * 2 * 2);
    expect(statuses).toContain(502);
    for (const key of KEYS) expect(seen, `upstream saw ${key}`).toContain(key);

    const sent = wire();
    const lines = logs.join('');
    expect(sent).toContain('HTTP/1.1 502');
    expect(sent).toContain('[redacted]');
    for (const key of KEYS) {
      for (const shape of shapes(key)) {
        expect(sent, `client saw ${shape}`).not.toContain(shape);
        expect(lines, `log shows ${shape}`).not.toContain(shape);
      }
    }
  }, 30_000);
});
