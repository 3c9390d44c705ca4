/**
 * The simulator's timeline, seed and control plane: down windows on the injected clock,
 * reproducible runs, /__stats, /__reset, scenario swaps, the default behaviour for unknown
 * models, auth, latency on the clock, and scenario validation that names the field.
 */

import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.ts';
import { type MockServer, type Scenario, ScenarioError, startMock } from '../../src/mock/index.ts';

/** A response body, inspected loosely. */
// biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary fields of provider bodies
type Body = any;
const json = async (r: Response | Promise<Response>): Promise<Body> => (await r).json();

let mock: MockServer | undefined;
afterEach(async () => {
  await mock?.close();
  mock = undefined;
});

function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  return fetch(`${mock!.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}
const chat = (model = 'gpt-4o', headers?: Record<string, string>) =>
  post('/v1/chat/completions', { model, messages: [{ role: 'user', content: 'hi' }] }, headers);
const message = (model = 'claude-sonnet-4-5', headers?: Record<string, string>) =>
  post(
    '/v1/messages',
    { model, max_tokens: 50, messages: [{ role: 'user', content: 'hi' }] },
    headers,
  );

describe('down windows', () => {
  it('answer 503 (OpenAI) and 529 (Anthropic) only inside the window', async () => {
    const clock = new ManualClock(1_000_000);
    mock = await startMock({ default: { down: [{ fromS: 10, toS: 20 }] } }, { clock });
    expect((await chat()).status).toBe(200);
    await clock.advance(10_000);
    const down = await chat();
    expect(down.status).toBe(503);
    expect((await json(down)).error.message).toContain('overloaded');
    const anthropic = await message();
    expect(anthropic.status).toBe(529);
    expect((await json(anthropic)).error.type).toBe('overloaded_error');
    await clock.advance(10_000);
    expect((await chat()).status).toBe(200);
  });

  it('outage.yaml: the primaries are down, the others healthy', async () => {
    mock = await startMock('scenarios/outage.yaml');
    expect((await chat('gpt-4o')).status).toBe(503);
    expect((await chat('gpt-4o-mini')).status).toBe(200);
    expect((await message('claude-sonnet-4-5-20250929')).status).toBe(529);
    expect((await message('claude-haiku-4-5')).status).toBe(200);
  });
});

describe('seed', () => {
  const flaky: Scenario = {
    seed: 42,
    default: {
      faults: [
        { kind: 'status', status: 500, probability: 0.3 },
        { kind: 'status', status: 429, probability: 0.2 },
      ],
    },
  };

  async function run(seedOverride?: number): Promise<string[]> {
    mock = await startMock(flaky, seedOverride === undefined ? {} : { seed: seedOverride });
    const out: string[] = [];
    for (let i = 0; i < 30; i++) {
      const r = await chat(i % 2 ? 'gpt-4o' : 'gpt-4o-mini');
      const body = await json(r);
      out.push(
        `${r.status} ${r.headers.get('x-request-id')} ${body.choices?.[0]?.message.content}`,
      );
    }
    await mock.close();
    mock = undefined;
    return out;
  }

  it('same seed and request sequence give the same faults, ids and texts', async () => {
    const a = await run();
    const b = await run();
    expect(a).toEqual(b);
    expect(new Set(a.map((line) => line.split(' ')[0]))).toEqual(new Set(['200', '500', '429']));
    expect(await run(43)).not.toEqual(a);
  });
});

describe('control endpoints', () => {
  it('/__stats counts per model and outcome; /__reset clears them', async () => {
    mock = await startMock({
      models: { broken: { faults: [{ kind: 'status', status: 500, probability: 1 }] } },
    });
    await chat('gpt-4o');
    await chat('gpt-4o');
    await chat('broken');
    const stats = await json(fetch(`${mock.url}/__stats`));
    expect(stats.models['gpt-4o']).toEqual({ requests: 2, ok: 2 });
    expect(stats.models.broken).toEqual({ requests: 1, ok: 0, status_500: 1 });
    expect(stats.total).toEqual({ requests: 3, ok: 2, status_500: 1 });
    expect(mock.stats()).toEqual(stats);
    expect((await post('/__reset', {})).status).toBe(200);
    expect(mock.stats().total).toEqual({ requests: 0, ok: 0 });
  });

  it('PUT /__scenario swaps behaviour at run time; a bad one is refused naming the field', async () => {
    mock = await startMock('scenarios/clean.yaml');
    expect((await chat()).status).toBe(200);
    const swap = (body: unknown) =>
      fetch(`${mock!.url}/__scenario`, { method: 'PUT', body: JSON.stringify(body) });
    const ok = await swap({
      default: { faults: [{ kind: 'status', status: 502, probability: 1 }] },
    });
    expect(ok.status).toBe(200);
    expect((await chat()).status).toBe(502);
    const bad = await swap({
      default: { faults: [{ kind: 'status', status: 418, probability: 1 }] },
    });
    expect(bad.status).toBe(400);
    expect((await json(bad)).error.field).toBe('default.faults[0].status');
    expect((await chat()).status).toBe(502);
  });

  it('unknown models get the default behaviour; named ones their own', async () => {
    mock = await startMock({
      default: { outputTokens: 3 },
      models: { 'gpt-4o': { outputTokens: 5 } },
    });
    const usage = async (model: string) => (await json(chat(model))).usage.completion_tokens;
    expect(await usage('never-heard-of-it')).toBe(3);
    expect(await usage('gpt-4o')).toBe(5);
  });

  it('GET /v1/models lists the named models in either shape', async () => {
    mock = await startMock({ models: { 'gpt-4o': {}, 'claude-opus-4-1': {} } });
    const openai = await json(fetch(`${mock.url}/v1/models`));
    expect(openai.object).toBe('list');
    expect(openai.data.map((m: { id: string }) => m.id)).toEqual(['gpt-4o', 'claude-opus-4-1']);
    expect(openai.data[0]).toMatchObject({ object: 'model', owned_by: 'openai' });
    const anthropic = await json(
      fetch(`${mock.url}/v1/models`, { headers: { 'anthropic-version': '2023-06-01' } }),
    );
    expect(anthropic.data[1]).toMatchObject({ type: 'model', id: 'claude-opus-4-1' });
  });

  it('malformed JSON and missing fields get 400 in the dialect envelope', async () => {
    mock = await startMock({});
    const broken = await post('/v1/chat/completions', '{"model": ');
    expect(broken.status).toBe(400);
    expect((await json(broken)).error.type).toBe('invalid_request_error');
    const noMessages = await post('/v1/chat/completions', { model: 'gpt-4o' });
    expect((await json(noMessages)).error).toEqual({
      message: "Missing required parameter: 'messages'.",
      type: 'invalid_request_error',
      param: 'messages',
      code: 'missing_required_parameter',
    });
    const noModel = await post('/v1/messages', { messages: [], max_tokens: 1 });
    expect((await json(noModel)).error.message).toBe('model: Field required');
    const anthropicBroken = await post('/v1/messages', 'nope');
    expect((await json(anthropicBroken)).type).toBe('error');
  });
});

describe('auth', () => {
  it('accepts any key without apiKeys, and only listed keys with them', async () => {
    mock = await startMock({ apiKeys: ['sk-good-key-123456'] });
    const good = { authorization: 'Bearer sk-good-key-123456' };
    expect((await chat('gpt-4o', good)).status).toBe(200);
    expect((await message('claude-haiku-4-5', { 'x-api-key': 'sk-good-key-123456' })).status).toBe(
      200,
    );
    expect((await message('claude-haiku-4-5', good)).status).toBe(200);

    const bad = await chat('gpt-4o', { authorization: 'Bearer sk-invalid-0000006789' });
    expect(bad.status).toBe(401);
    const error = (await json(bad)).error;
    expect(error.code).toBe('invalid_api_key');
    expect(error.message).toContain('sk-inval**********6789');
    const none = await chat('gpt-4o');
    expect((await json(none)).error.code).toBeNull();

    const anthropic = await message('claude-haiku-4-5', { 'x-api-key': 'wrong' });
    expect(anthropic.status).toBe(401);
    expect((await json(anthropic)).error.type).toBe('authentication_error');
  });

  it('text_plain_401 sends JSON as text/plain with a top-level status', async () => {
    mock = await startMock({
      default: {
        faults: [{ kind: 'status', status: 401, probability: 1, variant: 'text_plain_401' }],
      },
    });
    const r = await chat('gpt-4o', { authorization: 'Bearer sk-whatever-000000' });
    expect(r.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await json(r)).toMatchObject({ status: 401, error: { code: 'invalid_api_key' } });
  });
});

describe('latency and first byte on the injected clock', () => {
  it('holds the answer until the clock has moved fixedMs + perTokenMs × tokens', async () => {
    const clock = new ManualClock(0);
    mock = await startMock(
      { default: { latency: { fixedMs: 1000, perTokenMs: 10 }, outputTokens: 10 } },
      { clock },
    );
    let done = false;
    const pending = chat().then((r) => {
      done = true;
      return r;
    });
    while (clock.pending === 0) await new Promise((r) => setImmediate(r));
    await clock.advance(1099);
    expect(done).toBe(false);
    await clock.advance(1);
    expect((await pending).status).toBe(200);
  });

  it('slow_first_byte waits delayMs before the headers', async () => {
    const clock = new ManualClock(0);
    mock = await startMock(
      { default: { faults: [{ kind: 'slow_first_byte', probability: 1, delayMs: 5000 }] } },
      { clock },
    );
    const pending = chat();
    while (clock.pending === 0) await new Promise((r) => setImmediate(r));
    await clock.advance(5000);
    expect((await pending).status).toBe(200);
    expect(mock.stats().total.slow_first_byte).toBe(1);
  });

  it('close() ends hanging requests so nothing lingers', async () => {
    mock = await startMock({ default: { faults: [{ kind: 'hang', probability: 1 }] } });
    const pending = chat().catch((e: unknown) => e);
    while (mock.stats().total.requests === 0) await new Promise((r) => setTimeout(r, 5));
    await mock.close();
    mock = undefined;
    expect(await pending).toBeInstanceOf(TypeError);
  });
});

describe('scenario validation', () => {
  const cases: Array<[unknown, string]> = [
    [
      { default: { faults: [{ kind: 'status', status: 500, probability: 2 }] } },
      'default.faults[0].probability',
    ],
    [{ models: { 'gpt-4o': { latency: { fixedMs: -1 } } } }, 'models["gpt-4o"].latency.fixedMs'],
    [
      { models: { 'gpt-4o': { faults: [{ kind: 'explode', probability: 1 }] } } },
      'models["gpt-4o"].faults[0].kind',
    ],
    [{ default: { rateLimits: { rpn: 5 } } }, 'default.rateLimits.rpn'],
    [
      { default: { faults: [{ kind: 'slow_first_byte', probability: 1 }] } },
      'default.faults[0].delayMs',
    ],
    [{ default: { down: [{ fromS: 10, toS: 5 }] } }, 'default.down[0].toS'],
    [{ seed: 'x' }, 'seed'],
    [{ defaults: {} }, 'defaults'],
  ];
  it.each(cases)('%j is refused naming %s', async (scenario, field) => {
    const error = await startMock(scenario as Scenario).catch((e) => e);
    expect(error).toBeInstanceOf(ScenarioError);
    expect(error.field).toBe(field);
    expect(error.message).toContain(field);
  });

  it('every example scenario loads', async () => {
    for (const name of ['clean', 'flaky', 'ratelimited', 'outage', 'hangs', 'streaming-midfail']) {
      const server = await startMock(`scenarios/${name}.yaml`);
      await server.close();
    }
  });
});
