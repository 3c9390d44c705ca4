/**
 * Fourteen thousand requests generated from a seed, at least ten thousand of them bad ones the
 * gateway must refuse. Through `inject()` (12,400): valid requests of both dialects (tools, tool
 * results, content parts, streaming, count_tokens, cross-dialect routes) with one random mutation
 * each — a field deleted or given a value of the wrong type, a huge string, deep nesting, an
 * empty list — and whole bodies that are not JSON objects, truncated JSON, invalid UTF-8, wrong
 * content types; headers a client got wrong (Authorization schemes, per-call options, content
 * types); bodies compressed, mislabelled, corrupted, a gzip bomb, unknown encodings; methods a
 * path does not take. On the wire (1,700): what no HTTP client would send — unknown methods,
 * NUL/CR/control characters in headers, bad header names, duplicate or malformed content-length,
 * odd transfer-encodings, malformed chunks, headers and URLs over the size limit, no Host, a
 * strange Expect. Some of what is generated is still a valid request (an optional field dropped,
 * `APPLICATION/JSON`, a gzip body labelled as such) and is served; at least 8,500 and 1,500 of
 * the two sets must be refused. Every answer must be below 500 (a client's mistake is never the
 * gateway's 5xx), every request must be answered, an error must come in the caller's dialect,
 * and no answer or log line may show a provider key, a client key or a stack trace. The gateway
 * must still serve afterwards.
 */
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ANTHROPIC_PROVIDER_KEY,
  CLIENT_KEY,
  OPENAI_PROVIDER_KEY,
  type Stack,
  startStack,
} from './gateway-harness.ts';
import { rawExchange } from './raw-http.ts';

const SEED = Number(process.env.BAD_INPUT_SEED ?? 20_260_522);
const CASES = 12_400;
const RAW_CASES = 1_700;
/** How many of each set must be refused (4xx): 10,000 bad requests in all, whatever the seed. */
const REFUSED = 8_500;
const RAW_REFUSED = 1_500;
const BODY_LIMIT = 256 * 1024;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** mulberry32: small, fast, and the same sequence on every machine. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  return {
    next,
    int: (n: number) => Math.floor(next() * n),
    pick: <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!,
  };
}

const openaiTool = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Weather for a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
};
const anthropicTool = {
  name: 'get_weather',
  description: 'Weather for a city',
  input_schema: { type: 'object', properties: { city: { type: 'string' } } },
};

const TEMPLATES: { path: string; dialect: 'openai' | 'anthropic'; body: Json }[] = [
  {
    path: '/v1/chat/completions',
    dialect: 'openai',
    body: {
      model: 'chat',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: [{ type: 'text', text: 'What is the weather in Paris?' }] },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            {
              id: 'call_1',
              type: 'function',
              function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
            },
          ],
        },
        { role: 'tool', tool_call_id: 'call_1', content: 'Sunny, 21 C' },
      ],
      tools: [openaiTool],
      tool_choice: 'auto',
      temperature: 0.5,
      max_tokens: 32,
      stop: ['\n\n'],
    },
  },
  {
    path: '/v1/chat/completions',
    dialect: 'openai',
    body: {
      model: 'cross',
      stream: true,
      stream_options: { include_usage: true },
      messages: [
        { role: 'developer', content: 'Answer in French.' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Describe this.' },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
          ],
        },
      ],
      max_completion_tokens: 40,
      n: 1,
    },
  },
  {
    path: '/v1/messages',
    dialect: 'anthropic',
    body: {
      model: 'claude',
      max_tokens: 64,
      system: [{ type: 'text', text: 'Be brief.' }],
      messages: [
        { role: 'user', content: 'What is the weather in Paris?' },
        {
          role: 'assistant',
          content: [
            { type: 'text', text: 'Let me check.' },
            { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } },
          ],
        },
        {
          role: 'user',
          content: [
            {
              type: 'tool_result',
              tool_use_id: 'toolu_1',
              content: [{ type: 'text', text: 'Sunny' }],
            },
          ],
        },
      ],
      tools: [anthropicTool],
      tool_choice: { type: 'auto' },
      stop_sequences: ['END'],
      temperature: 0.2,
    },
  },
  {
    path: '/v1/messages',
    dialect: 'anthropic',
    body: {
      model: 'reverse',
      max_tokens: 48,
      stream: true,
      system: 'Be brief.',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Describe this.' },
            {
              type: 'image',
              source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' },
            },
          ],
        },
      ],
      metadata: { user_id: 'u-1' },
    },
  },
  {
    path: '/v1/messages/count_tokens',
    dialect: 'anthropic',
    body: {
      model: 'claude',
      system: 'Be brief.',
      messages: [{ role: 'user', content: 'Count me.' }],
      tools: [anthropicTool],
    },
  },
];

type Rng = ReturnType<typeof prng>;

function deep(depth: number): Json {
  let value: Json = 'bottom';
  for (let i = 0; i < depth; i++) value = i % 2 === 0 ? [value] : { nested: value };
  return value;
}

function junk(rng: Rng): Json {
  switch (rng.int(14)) {
    case 0:
      return null;
    case 1:
      return rng.int(2) === 0;
    case 2:
      return rng.pick([0, -1, 1.5, 1e308, -0, 2 ** 53 + 2]);
    case 3:
      return rng.pick(['', ' ', 'x', '\u0000', '\ud800', '💥'.repeat(50), 'user', 'tool']);
    case 4:
      return [];
    case 5:
      return {};
    case 6:
      return 'y'.repeat(1_000 + rng.int(200_000));
    case 7:
      return deep(10 + rng.int(200));
    case 8:
      return [null, 1, 'a', {}];
    case 9:
      return { type: rng.pick(['text', 'image', 'tool_use', 'tool_result', 'image_url', 'nope']) };
    case 10:
      return [{ type: 'text' }];
    case 11:
      return { role: 'user' };
    case 12:
      return { __proto__: { polluted: true } } as unknown as Json;
    default:
      return '{"not":"parsed"}';
  }
}

/** Every place in the tree, as the parent and key to change. */
function places(root: Json): { parent: Json[] | Record<string, Json>; key: string | number }[] {
  const out: { parent: Json[] | Record<string, Json>; key: string | number }[] = [];
  const walk = (node: Json) => {
    if (Array.isArray(node)) {
      node.forEach((child, i) => {
        out.push({ parent: node, key: i });
        walk(child);
      });
    } else if (node !== null && typeof node === 'object') {
      for (const [key, child] of Object.entries(node)) {
        out.push({ parent: node, key });
        walk(child);
      }
    }
  };
  walk(root);
  return out;
}

function mutate(body: Json, rng: Rng): Json {
  const copy = structuredClone(body) as Record<string, Json>;
  const count = 1 + (rng.int(4) === 0 ? rng.int(3) : 0);
  for (let i = 0; i < count; i++) {
    const spots = places(copy);
    if (spots.length === 0) break;
    const { parent, key } = rng.pick(spots);
    const action = rng.int(5);
    if (action === 0) {
      if (Array.isArray(parent)) parent.splice(key as number, 1);
      else delete parent[key as string];
    } else if (action === 1 && Array.isArray(parent)) {
      parent.length = 0;
    } else if (action === 2 && !Array.isArray(parent)) {
      parent[rng.pick(['base_url', 'api_key', 'extra', 'role', 'content', 'type'])] = junk(rng);
    } else {
      (parent as Record<string | number, Json>)[key] = junk(rng);
    }
  }
  return copy;
}

interface Case {
  method?: 'POST' | 'GET' | 'PUT' | 'DELETE' | 'PATCH' | 'OPTIONS' | 'HEAD';
  path: string;
  dialect: 'openai' | 'anthropic';
  payload: string | Buffer;
  headers: Record<string, string>;
}

const JSON_TYPE = { 'content-type': 'application/json' };

/** Bodies: one random mutation of a valid request, or a body that is not JSON at all. */
function generateBody(rng: Rng): Case {
  const template = rng.pick(TEMPLATES);
  const base = { path: template.path, dialect: template.dialect };
  const auth = { authorization: `Bearer ${CLIENT_KEY}` };
  const roll = rng.int(100);
  if (roll < 62) {
    return {
      ...base,
      payload: JSON.stringify(mutate(template.body, rng)),
      headers: { ...JSON_TYPE, ...auth },
    };
  }
  const text = JSON.stringify(template.body);
  if (roll < 70) {
    const cut = text.slice(0, rng.int(text.length));
    return { ...base, payload: cut, headers: { ...JSON_TYPE, ...auth } };
  }
  if (roll < 76) {
    const bytes = Buffer.from(text);
    const at = rng.int(bytes.length);
    const bad = Buffer.from(
      rng.pick([[0xff], [0xc3, 0x28], [0xed, 0xa0, 0x80], [0xf0, 0x28, 0x8c]]),
    );
    return {
      ...base,
      payload: Buffer.concat([bytes.subarray(0, at), bad, bytes.subarray(at)]),
      headers: { ...JSON_TYPE, ...auth },
    };
  }
  if (roll < 82) {
    const payload = JSON.stringify(
      rng.pick<Json>([[], [template.body], 'text', 42, null, true, '']),
    );
    return { ...base, payload, headers: { ...JSON_TYPE, ...auth } };
  }
  if (roll < 87) {
    const type = rng.pick([
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/xml',
      'application/jsonx',
      '',
    ]);
    const headers: Record<string, string> = { ...auth };
    if (type) headers['content-type'] = type;
    return { ...base, payload: text, headers };
  }
  if (roll < 90) {
    // Over the body limit.
    const big = {
      ...(template.body as Record<string, Json>),
      pad: 'z'.repeat(BODY_LIMIT + rng.int(10_000)),
    };
    return { ...base, payload: JSON.stringify(big), headers: { ...JSON_TYPE, ...auth } };
  }
  if (roll < 93) {
    return {
      ...base,
      payload: JSON.stringify(template.body),
      headers: {
        ...JSON_TYPE,
        authorization: rng.pick([
          '',
          'Bearer',
          'Basic abc',
          `Bearer ${CLIENT_KEY}x`,
          'Bearer \u00ff',
        ]),
      },
    };
  }
  const header = rng.pick([
    'x-breakwater-deadline-ms',
    'x-breakwater-route',
    'cache-control',
    'anthropic-version',
    'x-api-key',
  ]);
  const value = rng.pick([
    '-1',
    '0',
    'NaN',
    '1e12',
    'soon',
    '',
    'no-such-route',
    'x'.repeat(4_000),
    'no-cache, no-store',
    '../../etc',
  ]);
  return {
    ...base,
    payload: JSON.stringify(template.body),
    headers: { ...JSON_TYPE, ...auth, [header]: value },
  };
}

/** Headers: a valid body with one header a client got wrong (auth, per-call options, types). */
function generateHeader(rng: Rng): Case {
  const template = rng.pick(TEMPLATES);
  const base = { path: template.path, dialect: template.dialect };
  const payload = JSON.stringify(template.body);
  const headers: Record<string, string> = {
    ...JSON_TYPE,
    authorization: `Bearer ${CLIENT_KEY}`,
  };
  switch (rng.int(4)) {
    case 0:
      headers.authorization = rng.pick([
        'Basic YTpi',
        `Token ${CLIENT_KEY}`,
        `Bearer ${CLIENT_KEY} ${CLIENT_KEY}`,
        'Bearer',
        `Bearer ${'k'.repeat(5_000)}`,
        `Digest username="${CLIENT_KEY}"`,
        `${CLIENT_KEY}`,
        'Bearer \u00e9\u00ff',
      ]);
      break;
    case 1:
      headers['content-type'] = rng.pick([
        'application/json; charset=latin1',
        'application/json; charset=utf-16',
        'application/json-patch+json',
        'APPLICATION/JSON',
        'application/json, text/plain',
        'text/json',
        '*/*',
        'application/',
      ]);
      break;
    default: {
      const name = rng.pick([
        'x-breakwater-deadline-ms',
        'x-breakwater-route',
        'x-breakwater-priority',
        'idempotency-key',
        'cache-control',
        'anthropic-version',
        'anthropic-beta',
        'x-api-key',
        'x-stainless-retry-count',
      ]);
      headers[name] = rng.pick([
        '-1',
        '0',
        'NaN',
        '1e12',
        '600001',
        'soon',
        '',
        ' ',
        'no-such-route',
        'openai/',
        '/gpt-4o',
        `openai/${'m'.repeat(300)}`,
        'openai/gpt-4o-mini\u00e9',
        'x'.repeat(4_000),
        'no-cache, no-store, max-age=-1',
        '../../etc/passwd',
        'urgent',
        '2023-06-01,2023-06-01',
      ]);
    }
  }
  return { ...base, payload, headers };
}

/** Encodings: a body sent compressed, mislabelled, corrupted, a bomb, or in an unknown coding. */
function generateEncoding(rng: Rng): Case {
  const template = rng.pick(TEMPLATES);
  const base = { path: template.path, dialect: template.dialect };
  const headers = { ...JSON_TYPE, authorization: `Bearer ${CLIENT_KEY}` };
  const text = JSON.stringify(rng.int(2) === 0 ? template.body : mutate(template.body, rng));
  const coding = rng.pick(['gzip', 'deflate', 'br', 'x-gzip', 'gzip, br']);
  const encode = (input: Buffer, name: string): Buffer =>
    name === 'br'
      ? brotliCompressSync(input)
      : name === 'deflate'
        ? deflateSync(input)
        : name === 'gzip, br'
          ? brotliCompressSync(gzipSync(input))
          : gzipSync(input);
  switch (rng.int(5)) {
    case 0:
      return {
        ...base,
        payload: encode(Buffer.from(text), coding),
        headers: { ...headers, 'content-encoding': coding },
      };
    case 1:
      // Labelled, not encoded.
      return { ...base, payload: text, headers: { ...headers, 'content-encoding': coding } };
    case 2: {
      const encoded = encode(Buffer.from(text), coding);
      const cut = encoded.subarray(0, Math.max(1, rng.int(encoded.length)));
      return { ...base, payload: cut, headers: { ...headers, 'content-encoding': coding } };
    }
    case 3:
      return { ...base, payload: BOMB, headers: { ...headers, 'content-encoding': 'gzip' } };
    default:
      return {
        ...base,
        payload: text,
        headers: {
          ...headers,
          'content-encoding': rng.pick([
            'zstd',
            'compress',
            'snappy',
            '*',
            'gzip;q=1',
            'br, br, br, br',
            'gzip, zstd',
          ]),
        },
      };
  }
}

/** Methods: a path asked with a method it does not take, or a path that does not exist. */
function generateMethod(rng: Rng): Case {
  const template = rng.pick(TEMPLATES);
  const method = rng.pick(['GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD'] as const);
  const path = rng.pick([
    template.path,
    `${template.path}/`,
    `${template.path}?x=1`,
    '/v1/models',
    '/v1/nope',
    '/v1/messages/nope',
  ]);
  const dialect = path.startsWith('/v1/messages') ? 'anthropic' : 'openai';
  const onModels = path === '/v1/models';
  return {
    method: onModels ? 'POST' : method,
    path,
    dialect,
    payload: method === 'GET' || method === 'HEAD' ? '' : JSON.stringify(template.body),
    headers: { ...JSON_TYPE, authorization: `Bearer ${CLIENT_KEY}` },
  };
}

function generate(rng: Rng): Case {
  const roll = rng.int(100);
  if (roll < 55) return generateBody(rng);
  if (roll < 77) return generateHeader(rng);
  if (roll < 93) return generateEncoding(rng);
  return generateMethod(rng);
}

/** Gzip that decodes to many times the body limit, from a few KB on the wire. */
const BOMB = gzipSync(Buffer.alloc(BODY_LIMIT * 8, 0x20));

/** Requests Node's HTTP parser refuses, or that reach the route only to be refused: raw bytes. */
function generateRaw(rng: Rng): { bytes: Buffer; dialect: 'openai' | 'anthropic' } {
  const template = rng.pick(TEMPLATES);
  let path = template.path;
  let method = 'POST';
  const body = JSON.stringify(template.body);
  let lines = [
    `host: 127.0.0.1`,
    `authorization: Bearer ${CLIENT_KEY}`,
    'content-type: application/json',
    'connection: close',
  ];
  let length: string[] = [`content-length: ${Buffer.byteLength(body)}`];
  let payload: string | Buffer = body;
  let version = 'HTTP/1.1';
  const bad = rng.pick(['\u0000', '\r', '\n', '\u0001', '\u007f', '\u001b']);
  switch (rng.int(12)) {
    case 0:
      method = rng.pick(['FROB', 'post', 'P0ST', 'GET\u0000', 'CONNECTX', 'PRI']);
      break;
    case 1:
      lines.push(`x-note: a${bad}b`);
      break;
    case 2:
      lines.push(`x-bad${rng.pick([' name', '(x)', ':x', '\u0000', 'é'])}: 1`);
      break;
    case 3:
      length = rng.pick([
        ['content-length: 2', 'content-length: 3'],
        ['content-length: -1'],
        ['content-length: 0x10'],
        ['content-length: 1e3'],
        ['content-length: 12 13'],
        [`content-length: ${Buffer.byteLength(body)}`, 'transfer-encoding: chunked'],
      ]);
      break;
    case 4:
      length = [
        `transfer-encoding: ${rng.pick(['identity', 'gzip', 'chunked, chunked', 'chunked;x', 'bogus'])}`,
      ];
      break;
    case 5:
      length = ['transfer-encoding: chunked'];
      payload = rng.pick([
        'zz\r\n{}\r\n0\r\n\r\n',
        `5;${'e'.repeat(20_000)}\r\n{"a":\r\n0\r\n\r\n`,
        '2\r\n{}0\r\n\r\n',
      ]);
      break;
    case 6:
      lines.push(`x-big: ${'a'.repeat(17_000 + rng.int(4_000))}`);
      break;
    case 7:
      for (let i = 0; i < 400; i++) lines.push(`x-h${i}: ${'v'.repeat(40)}`);
      break;
    case 8:
      path = `${path}?${'q'.repeat(17_000)}`;
      break;
    case 9:
      lines = lines.filter((l) => !l.startsWith('host:'));
      break;
    case 10:
      lines.push(`expect: ${rng.pick(['garbage', '200-ok', '100-continue, x', 'x'])}`);
      break;
    default:
      version = rng.pick(['HTTP/1.1', 'HTTP/1.0']);
      lines.push(rng.pick([' folded: continuation', 'no colon here', ': empty-name']));
  }
  const head = `${method} ${path} ${version}\r\n${[...lines, ...length].join('\r\n')}\r\n\r\n`;
  return {
    bytes: Buffer.concat([Buffer.from(head, 'latin1'), Buffer.from(payload)]),
    dialect: path.startsWith('/v1/messages') ? 'anthropic' : 'openai',
  };
}

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({
    scenario: { seed: 5, default: { outputTokens: 6 } },
    routes: {
      chat: { tiers: ['openai/gpt-4o-mini'] },
      claude: { tiers: ['anthropic/claude-haiku-4-5'] },
      cross: { tiers: ['anthropic/claude-sonnet-4-5'] },
      reverse: { tiers: ['openai/gpt-4o'] },
    },
    gateway: {
      bodyLimitBytes: BODY_LIMIT,
      clientKeys: [{ id: 'fuzz', key: CLIENT_KEY }],
      headersTimeoutMs: 2_000,
      requestTimeoutMs: 2_000,
      timeoutCheckIntervalMs: 100,
    },
  });
});

afterAll(async () => {
  await stack.close();
});

const LEAKS = [
  OPENAI_PROVIDER_KEY,
  ANTHROPIC_PROVIDER_KEY,
  'PROVIDERSECRET',
  '    at ',
  'node:internal',
  '/work/',
];

function checkAnswer(
  dialect: 'openai' | 'anthropic',
  status: number,
  headers: Record<string, unknown>,
  body: string,
  method = 'POST',
): string | undefined {
  if (status >= 500) return `status ${status}`;
  const all = `${JSON.stringify(headers)}\n${body}`;
  for (const leak of LEAKS) if (all.includes(leak)) return `leaks "${leak}"`;
  if (status < 400 || method === 'HEAD') return undefined;
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(body);
  } catch {
    return 'error body is not JSON';
  }
  const error = parsed.error as Record<string, unknown> | undefined;
  if (typeof error?.message !== 'string' || typeof error.type !== 'string')
    return 'no error envelope';
  if (dialect === 'anthropic' && parsed.type !== 'error') return 'not in the Anthropic dialect';
  if (dialect === 'openai' && (parsed.type !== undefined || !('code' in error)))
    return 'not in the OpenAI dialect';
  return undefined;
}

function count(statuses: Map<number, number>, status: number): void {
  statuses.set(status, (statuses.get(status) ?? 0) + 1);
}

const clientErrors = (statuses: Map<number, number>) =>
  [...statuses].filter(([s]) => s >= 400 && s < 500).reduce((n, [, k]) => n + k, 0);

describe('bad input', () => {
  it(`answers ${CASES} generated requests (bodies, headers, encodings, methods): ${REFUSED}+ bad ones 4xx in the caller’s dialect, none 5xx`, async () => {
    const rng = prng(SEED);
    const cases = Array.from({ length: CASES }, () => generate(rng));
    const problems: string[] = [];
    const statuses = new Map<number, number>();
    const BATCH = 32;
    for (let i = 0; i < cases.length; i += BATCH) {
      await Promise.all(
        cases.slice(i, i + BATCH).map(async (c, j) => {
          const res = await stack.app.inject({
            method: c.method ?? 'POST',
            url: c.path,
            payload: c.payload,
            headers: c.headers,
          });
          count(statuses, res.statusCode);
          const problem = checkAnswer(c.dialect, res.statusCode, res.headers, res.body, c.method);
          if (problem && problems.length < 20) {
            const sample = typeof c.payload === 'string' ? c.payload.slice(0, 300) : '<bytes>';
            problems.push(
              `case ${i + j} ${c.method ?? 'POST'} ${c.path} ${JSON.stringify(c.headers).slice(0, 200)}: ${problem} — ${res.body.slice(0, 300)} — sent ${sample}`,
            );
          }
        }),
      );
    }
    expect(problems).toEqual([]);
    console.info('bad input: answers by status', Object.fromEntries([...statuses].sort()));
    // Some mutations leave a request valid (a dropped optional field); the rest are refused.
    expect(clientErrors(statuses)).toBeGreaterThanOrEqual(REFUSED);
    for (const s of [400, 401, 404, 405, 413, 415])
      expect(statuses.get(s), `status ${s}`).toBeGreaterThan(0);

    const logs = stack.logs.join('\n');
    expect(logs).not.toContain('PROVIDERSECRET');
    expect(logs).not.toContain(CLIENT_KEY);

    // Still serving.
    const ok = await stack.app.inject({
      method: 'POST',
      url: '/v1/chat/completions',
      payload: TEMPLATES[0]!.body as Record<string, Json>,
      headers: { authorization: `Bearer ${CLIENT_KEY}` },
    });
    expect(ok.statusCode).toBe(200);
  }, 120_000);

  it(`answers ${RAW_CASES} malformed HTTP requests on the wire, none unanswered, each in its path’s dialect`, async () => {
    const rng = prng(SEED + 1);
    const port = Number(new URL(stack.url).port);
    const cases = Array.from({ length: RAW_CASES }, () => generateRaw(rng));
    const problems: string[] = [];
    const statuses = new Map<number, number>();
    const BATCH = 32;
    for (let i = 0; i < cases.length; i += BATCH) {
      await Promise.all(
        cases.slice(i, i + BATCH).map(async (c, j) => {
          const answer = await rawExchange(port, c.bytes);
          const sent = c.bytes.toString('latin1', 0, 160);
          if (!answer) {
            if (problems.length < 20)
              problems.push(`raw case ${i + j}: no answer — sent ${JSON.stringify(sent)}`);
            return;
          }
          count(statuses, answer.status);
          const headers = Object.fromEntries(answer.headers);
          const problem = checkAnswer(c.dialect, answer.status, headers, answer.body);
          if (problem && problems.length < 20) {
            problems.push(
              `raw case ${i + j}: ${problem} — ${answer.body.slice(0, 200)} — sent ${JSON.stringify(sent)}`,
            );
          }
        }),
      );
    }
    expect(problems).toEqual([]);
    console.info(
      'bad input on the wire: answers by status',
      Object.fromEntries([...statuses].sort()),
    );
    for (const s of [400, 417, 431]) expect(statuses.get(s), `status ${s}`).toBeGreaterThan(0);
    expect(clientErrors(statuses)).toBeGreaterThanOrEqual(RAW_REFUSED);
    expect(stack.logs.join('\n')).not.toContain(CLIENT_KEY);
    expect(stack.app.breakwater.inFlight()).toBe(0);
  }, 120_000);

  it('survives extreme nesting', async () => {
    const headers = { ...JSON_TYPE, authorization: `Bearer ${CLIENT_KEY}` };
    const nested = `${'['.repeat(50_000)}${']'.repeat(50_000)}`;
    for (const payload of [nested, `{"model":"chat","messages":${nested}}`]) {
      const res = await stack.app.inject({
        method: 'POST',
        url: '/v1/chat/completions',
        payload,
        headers,
      });
      expect(res.statusCode).toBe(400);
    }
    for (const method of ['GET', 'PUT', 'DELETE', 'PATCH'] as const) {
      const res = await stack.app.inject({
        method,
        url: '/v1/messages',
        headers: { authorization: headers.authorization },
      });
      expect(res.statusCode).toBe(405);
      expect(res.headers.allow).toBe('POST');
      expect(res.json().type).toBe('error');
    }
  });
});
