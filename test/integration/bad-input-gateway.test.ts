/**
 * Thousands of malformed requests, generated from a seed: valid requests of both dialects (tools,
 * tool results, content parts, streaming, count_tokens, cross-dialect routes) with one random
 * mutation each — a field deleted or given a value of the wrong type, a huge string, deep
 * nesting, an empty list — plus whole bodies that are not JSON objects, truncated JSON, invalid
 * UTF-8, wrong content types and junk headers. Every answer must be below 500 (a client's
 * mistake is never the gateway's 5xx), an error must come in the caller's dialect, and no answer
 * or log line may show a provider key or a stack trace. The gateway must still serve afterwards.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ANTHROPIC_PROVIDER_KEY,
  CLIENT_KEY,
  OPENAI_PROVIDER_KEY,
  type Stack,
  startStack,
} from './gateway-harness.ts';

const SEED = Number(process.env.BAD_INPUT_SEED ?? 20_260_522);
const CASES = 2_400;
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
  path: string;
  dialect: 'openai' | 'anthropic';
  payload: string | Buffer;
  headers: Record<string, string>;
}

const JSON_TYPE = { 'content-type': 'application/json' };

function generate(rng: Rng): Case {
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

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({
    listen: false,
    scenario: { seed: 5, default: { outputTokens: 6 } },
    routes: {
      chat: { tiers: ['openai/gpt-4o-mini'] },
      claude: { tiers: ['anthropic/claude-haiku-4-5'] },
      cross: { tiers: ['anthropic/claude-sonnet-4-5'] },
      reverse: { tiers: ['openai/gpt-4o'] },
    },
    gateway: { bodyLimitBytes: BODY_LIMIT, clientKeys: [{ id: 'fuzz', key: CLIENT_KEY }] },
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
  c: Case,
  status: number,
  headers: Record<string, unknown>,
  body: string,
): string | undefined {
  if (status >= 500) return `status ${status}`;
  const all = `${JSON.stringify(headers)}\n${body}`;
  for (const leak of LEAKS) if (all.includes(leak)) return `leaks "${leak}"`;
  if (status < 400) return undefined;
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(body);
  } catch {
    return 'error body is not JSON';
  }
  const error = parsed.error as Record<string, unknown> | undefined;
  if (typeof error?.message !== 'string' || typeof error.type !== 'string')
    return 'no error envelope';
  if (c.dialect === 'anthropic' && parsed.type !== 'error') return 'not in the Anthropic dialect';
  if (c.dialect === 'openai' && (parsed.type !== undefined || !('code' in error)))
    return 'not in the OpenAI dialect';
  return undefined;
}

describe('bad input', () => {
  it(`answers ${CASES} generated malformed requests with 4xx in the caller’s dialect`, async () => {
    const rng = prng(SEED);
    const cases = Array.from({ length: CASES }, () => generate(rng));
    const problems: string[] = [];
    const statuses = new Map<number, number>();
    const BATCH = 16;
    for (let i = 0; i < cases.length; i += BATCH) {
      await Promise.all(
        cases.slice(i, i + BATCH).map(async (c, j) => {
          const res = await stack.app.inject({
            method: 'POST',
            url: c.path,
            payload: c.payload,
            headers: c.headers,
          });
          statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
          const problem = checkAnswer(c, res.statusCode, res.headers, res.body);
          if (problem && problems.length < 20) {
            const sample = typeof c.payload === 'string' ? c.payload.slice(0, 300) : '<bytes>';
            problems.push(
              `case ${i + j} ${c.path}: ${problem} — ${res.body.slice(0, 300)} — sent ${sample}`,
            );
          }
        }),
      );
    }
    expect(problems).toEqual([]);
    console.info('bad input: answers by status', Object.fromEntries([...statuses].sort()));
    const clientErrors = [...statuses]
      .filter(([s]) => s >= 400 && s < 500)
      .reduce((n, [, k]) => n + k, 0);
    // Some mutations leave a request valid (a dropped optional field); most must be refused.
    expect(clientErrors).toBeGreaterThan(CASES * 0.6);
    for (const s of [400, 401, 404, 413, 415])
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
  }, 60_000);

  it('survives extreme nesting and odd methods', async () => {
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
