/**
 * What a client meets before any route runs, over raw sockets to a listening gateway: requests
 * Node's HTTP parser refuses (an unknown method, a NUL or CR in a header, a duplicate or bad
 * content-length, `transfer-encoding: identity`, headers or a URL too large), a missing Host, an
 * `Expect` other than 100-continue, headers that trickle in (slowloris) and bodies that never end
 * — each answered in the dialect of the path it named, read back through the official SDKs' own
 * error classes, and the connection closed. The gateway runs with small timeouts so the bounds
 * fire quickly; the tests assert the cut and the answer, never how long they took. The log runs
 * at trace level and must never hold what the client sent (its key, its prompt), in any encoding.
 */
import { connect, type Socket } from 'node:net';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config/config-resolve.ts';
import { buildGateway } from '../../src/gateway/index.ts';
import { type MockServer, startMock } from '../../src/mock/index.ts';
import { createLogger } from '../../src/telemetry/logger.ts';
import { eventually } from './gateway-harness.ts';
import { parseRawAnswer, type RawAnswer } from './raw-http.ts';

const CLIENT_KEY = 'bw-pre-route-client-key-0123456789';
const PROMPT = 'PROMPT-the-vault-code-is-7261';
const HEADERS_TIMEOUT_MS = 300;
const REQUEST_TIMEOUT_MS = 600;

let mock: MockServer;
let app: ReturnType<typeof buildGateway>;
let port = 0;
const logs: string[] = [];

beforeAll(async () => {
  mock = await startMock({ seed: 3, default: { outputTokens: 4 } });
  const config = resolveConfig({
    providers: {
      openai: { baseUrl: mock.url, apiKey: 'sk-pre-route-openai-0123456789' },
      anthropic: { baseUrl: mock.url, apiKey: 'sk-ant-pre-route-0123456789' },
    },
  });
  const logger = createLogger({
    level: 'trace',
    destination: { write: (line: string) => void logs.push(line) },
  });
  app = buildGateway({
    config,
    logger,
    clientKeys: [{ id: 'app', key: CLIENT_KEY }],
    headersTimeoutMs: HEADERS_TIMEOUT_MS,
    requestTimeoutMs: REQUEST_TIMEOUT_MS,
    timeoutCheckIntervalMs: 25,
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  port = typeof address === 'object' && address ? address.port : 0;
});

afterAll(async () => {
  await app.close();
  await mock.close();
});

interface ClosedAnswer extends RawAnswer {
  /** The server closed the connection after answering. */
  closed: boolean;
}

/**
 * Sends `parts` on a new connection (one after another, `gapMs` apart, until the server closes)
 * and resolves with the answer once the server has closed the connection.
 */
function exchange(
  parts: (string | Buffer)[],
  gapMs = 0,
): Promise<ClosedAnswer & { partsSent: number }> {
  return new Promise((resolve, reject) => {
    const socket: Socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let sent = 0;
    let timer: NodeJS.Timeout | undefined;
    const sendNext = () => {
      if (socket.destroyed || sent >= parts.length) return;
      socket.write(parts[sent++]!);
      if (gapMs > 0) timer = setTimeout(sendNext, gapMs);
      else sendNext();
    };
    socket.on('connect', sendNext);
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', () => {});
    socket.on('close', () => {
      clearTimeout(timer);
      const bytes = Buffer.concat(chunks);
      if (bytes.length === 0) return reject(new Error('the connection closed without an answer'));
      resolve({ ...parseRawAnswer(bytes), closed: true, partsSent: sent });
    });
  });
}

const OPENAI_PATH = '/v1/chat/completions';
const ANTHROPIC_PATH = '/v1/messages';
const body = (path: string) =>
  JSON.stringify(
    path === ANTHROPIC_PATH
      ? {
          model: 'anthropic/claude-haiku-4-5',
          max_tokens: 8,
          messages: [{ role: 'user', content: PROMPT }],
        }
      : { model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: PROMPT }] },
  );
const head = (method: string, path: string, extra: string) =>
  `${method} ${path} HTTP/1.1\r\nhost: 127.0.0.1\r\nx-api-key: ${CLIENT_KEY}\r\n${extra}`;

/** The answer as each SDK raises it: class, type and message all read from the body. */
function checkDialect(path: string, answer: ClosedAnswer, status: number, text: RegExp): void {
  expect(answer.status).toBe(status);
  expect(answer.closed).toBe(true);
  const json = JSON.parse(answer.body);
  if (path === ANTHROPIC_PATH) {
    const err = Anthropic.APIError.generate(status, json, undefined, answer.headers);
    expect(err).toBeInstanceOf(Anthropic.APIError);
    if (status === 400) expect(err).toBeInstanceOf(Anthropic.BadRequestError);
    if (status === 408) expect(err).toBeInstanceOf(Anthropic.RequestTimeoutError);
    if (status === 431) expect(err).toBeInstanceOf(Anthropic.RequestHeaderFieldsTooLargeError);
    expect(json.type).toBe('error');
    expect(typeof err.type).toBe('string');
    expect(err.apiMessage).toMatch(text);
    expect(err.requestID).toMatch(/^req_/);
  } else {
    const err = OpenAI.APIError.generate(status, json, undefined, answer.headers);
    expect(err).toBeInstanceOf(OpenAI.APIError);
    if (status === 400) expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect(json.type).toBeUndefined();
    expect(typeof err.type).toBe('string');
    expect(err.code).toBeDefined();
    expect(err.message).toMatch(text);
    expect(err.requestID).toMatch(/^req_/);
  }
}

describe('before the route', () => {
  const cases: [string, (path: string) => string, number, RegExp][] = [
    [
      'an unknown method',
      (p) => `${head('FROB', p, `content-length: ${body(p).length}\r\n`)}\r\n${body(p)}`,
      400,
      /unknown HTTP method/,
    ],
    [
      'a NUL in a header',
      (p) =>
        `${head('POST', p, `x-note: a\0b\r\ncontent-length: ${body(p).length}\r\n`)}\r\n${body(p)}`,
      400,
      /character HTTP does not allow/,
    ],
    [
      'a CR in a header',
      (p) => `${head('POST', p, 'x-note: a\rb\r\n')}\r\n`,
      400,
      /character HTTP does not allow/,
    ],
    [
      'a duplicate content-length',
      (p) => `${head('POST', p, 'content-length: 2\r\ncontent-length: 3\r\n')}\r\n{}`,
      400,
      /content-length/,
    ],
    [
      'a content-length that is not a number',
      (p) => `${head('POST', p, 'content-length: ten\r\n')}\r\n{}`,
      400,
      /content-length/,
    ],
    [
      'transfer-encoding: identity',
      (p) =>
        `${head('POST', p, 'content-type: application/json\r\ntransfer-encoding: identity\r\n')}\r\n{}`,
      400,
      /transfer-encoding/,
    ],
    [
      'a header too large',
      (p) => `${head('POST', p, `x-big: ${'a'.repeat(20_000)}\r\n`)}\r\n`,
      431,
      /larger than this gateway accepts/,
    ],
    [
      'too many headers',
      (p) => `${head('POST', p, 'x-h: 1234567890\r\n'.repeat(2_000))}\r\n`,
      431,
      /larger than this gateway accepts/,
    ],
    [
      'a URL too long',
      (p) => `${head('POST', `${p}?q=${'a'.repeat(20_000)}`, '')}\r\n`,
      431,
      /larger than this gateway accepts/,
    ],
    [
      'no Host header',
      (p) => `POST ${p} HTTP/1.1\r\nx-api-key: ${CLIENT_KEY}\r\ncontent-length: 2\r\n\r\n{}`,
      400,
      /Host header/,
    ],
    [
      'an Expect it does not know',
      (p) => `${head('POST', p, 'expect: garbage\r\ncontent-length: 2\r\n')}\r\n{}`,
      417,
      /Expect header/,
    ],
  ];
  for (const [name, request, status, text] of cases) {
    for (const path of [OPENAI_PATH, ANTHROPIC_PATH]) {
      it(`answers ${name} on ${path} with ${status} in the path’s dialect`, async () => {
        const answer = await exchange([request(path)]);
        checkDialect(path, answer, status, text);
      });
    }
  }

  it('answers 431 to an SDK sending huge headers, as the SDK’s own error class', async () => {
    const openai = new OpenAI({
      apiKey: CLIENT_KEY,
      baseURL: `http://127.0.0.1:${port}/v1`,
      maxRetries: 0,
      defaultHeaders: { 'x-big': 'a'.repeat(20_000) },
    });
    const error = await openai.chat.completions
      .create({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }] })
      .catch((err: unknown) => err);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect((error as InstanceType<typeof OpenAI.APIError>).status).toBe(431);
    expect((error as Error).message).toMatch(/larger than this gateway accepts/);

    const anthropic = new Anthropic({
      apiKey: CLIENT_KEY,
      baseURL: `http://127.0.0.1:${port}`,
      maxRetries: 0,
      defaultHeaders: { 'x-big': 'a'.repeat(20_000) },
    });
    const refused = await anthropic.messages
      .create({
        model: 'anthropic/claude-haiku-4-5',
        max_tokens: 8,
        messages: [{ role: 'user', content: 'Hi' }],
      })
      .catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(Anthropic.RequestHeaderFieldsTooLargeError);
  });

  it('cuts headers sent a byte at a time (slowloris) at the headers timeout, with a 408', async () => {
    const request = head('POST', ANTHROPIC_PATH, 'content-type: application/json\r\n').repeat(40);
    const bytes = [...Buffer.from(request)].map((b) => Buffer.from([b]));
    const upstreamBefore = mock.stats().total.requests;
    const answer = await exchange(bytes, 20);
    // Cut long before the client could finish its headers.
    expect(answer.partsSent).toBeLessThan(bytes.length);
    // A slow client's path is not known yet: the answer is in the default (OpenAI) dialect.
    checkDialect(OPENAI_PATH, answer, 408, /headers did not all arrive within 300 ms/);
    // Cut before any route ran: nothing went upstream, nothing holds a lease.
    expect(mock.stats().total.requests).toBe(upstreamBefore);
    expect(app.breakwater.inFlight()).toBe(0);
    // Other clients were served all along.
    const ok = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(ok.status).toBe(200);
  });

  for (const path of [OPENAI_PATH, ANTHROPIC_PATH]) {
    it(`cuts a body that never ends on ${path} with a 408 in its dialect`, async () => {
      const short = exchange([
        `${head('POST', path, 'content-type: application/json\r\ncontent-length: 100\r\n')}\r\n`,
        '{"model":',
      ]);
      const chunked = exchange([
        `${head('POST', path, 'content-type: application/json\r\ntransfer-encoding: chunked\r\n')}\r\n`,
        '9\r\n{"model":\r\n',
      ]);
      for (const answer of await Promise.all([short, chunked])) {
        checkDialect(path, answer, 408, /body did not all arrive within 600 ms/);
      }
      await eventually(() => app.breakwater.inFlight() === 0);
    });
  }

  it('logs a client that leaves mid-body as one that closed, with no error and no stack', async () => {
    const socket = connect(port, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write(
      `${head('POST', OPENAI_PATH, 'content-type: application/json\r\ncontent-length: 100\r\n')}\r\n{"model":`,
    );
    await eventually(() => app.breakwater.inFlight() === 1);
    socket.destroy();
    await eventually(() => app.breakwater.inFlight() === 0);
    await eventually(() => logs.some((l) => l.includes('"status":499')));
    const line = JSON.parse(logs.find((l) => l.includes('"status":499'))!);
    expect(line).toMatchObject({ level: 'info', outcome: 'client_closed', code: 'aborted' });
  });

  it('answers GET, PUT and DELETE on the completion paths with 405 and Allow', async () => {
    for (const path of [OPENAI_PATH, ANTHROPIC_PATH]) {
      for (const method of ['GET', 'PUT', 'DELETE']) {
        const res = await fetch(`http://127.0.0.1:${port}${path}`, {
          method,
          headers: { 'x-api-key': CLIENT_KEY },
        });
        expect(res.status).toBe(405);
        expect(res.headers.get('allow')).toBe('POST');
        const json = (await res.json()) as { type?: string; error: { code?: string } };
        if (path === ANTHROPIC_PATH) expect(json.type).toBe('error');
        else expect(json.error.code).toBeDefined();
      }
    }
  });

  it('never logs what a client sent, in any encoding, even at trace level', () => {
    const text = logs.join('\n');
    expect(text).not.toContain('unexpected error');
    expect(text).not.toContain('"level":"error"');
    expect(text).not.toContain('    at ');
    for (const secret of [CLIENT_KEY, PROMPT]) {
      const bytes = Buffer.from(secret);
      for (const form of [
        secret,
        bytes.toString('base64'),
        bytes.toString('hex'),
        [...bytes].join(','),
        [...bytes].slice(0, 12).join(', '),
      ]) {
        expect(text, form).not.toContain(form);
      }
    }
    // The refusals were logged, plainly.
    expect(text).toContain('request refused before routing');
    expect(text).toContain('HPE_INVALID_METHOD');
  });
});
