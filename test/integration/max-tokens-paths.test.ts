/**
 * The route's max_tokens policy on every path: both caller dialects × the same dialect and a
 * translated target × with and without a limit × clamp, reject and uncapped routes × with and
 * without a `'*'` default, through the gateway and the library's engine alike. What the upstream
 * receives is read off a real HTTP server on 127.0.0.1 that records every body it is sent: never
 * more than the route's cap, or the caller gets a 400 naming the field.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config/config-resolve.ts';
import type { BreakwaterConfig } from '../../src/config/config-types.ts';
import type { DialectName } from '../../src/dialects/dialect-name.ts';
import { Engine } from '../../src/engine/engine.ts';
import { isBreakwaterError } from '../../src/errors/index.ts';
import { buildGateway } from '../../src/gateway/index.ts';
import { createLogger } from '../../src/telemetry/logger.ts';

type Body = Record<string, unknown>;

/** An upstream that answers both dialects in a few bytes and keeps every body it was sent. */
async function startRecorder(): Promise<{ url: string; bodies: Body[]; server: Server }> {
  const bodies: Body[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Body;
      bodies.push(body);
      const answer = req.url?.endsWith('/messages')
        ? {
            id: 'msg_1',
            type: 'message',
            role: 'assistant',
            model: body.model,
            content: [{ type: 'text', text: 'ok' }],
            stop_reason: 'end_turn',
            stop_sequence: null,
            usage: { input_tokens: 3, output_tokens: 1 },
          }
        : {
            id: 'chatcmpl-1',
            object: 'chat.completion',
            created: 1,
            model: body.model,
            choices: [
              { index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' },
            ],
            usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 },
          };
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, bodies, server };
}

const CAP = 100;
const STAR_DEFAULT = 300;
const TARGETS = { openai: 'openai/gpt-4o', anthropic: 'anthropic/claude-sonnet-4-5' } as const;
type RouteKind = 'clamp' | 'reject' | 'open';

function configFor(url: string, star: boolean, extra: Partial<BreakwaterConfig> = {}) {
  const routes: NonNullable<BreakwaterConfig['routes']> = {};
  const policies: Record<string, object> = star ? { '*': { defaultMaxTokens: STAR_DEFAULT } } : {};
  for (const dialect of ['openai', 'anthropic'] as const) {
    for (const kind of ['clamp', 'reject', 'open'] as const) {
      routes[`${kind}-${dialect}`] = { tiers: [TARGETS[dialect]] };
    }
    policies[`clamp-${dialect}`] = { maxTokens: CAP };
    policies[`reject-${dialect}`] = { maxTokens: CAP, overMaxTokens: 'reject' };
  }
  return resolveConfig({
    providers: {
      openai: { baseUrl: url, apiKey: 'sk-test-openai' },
      anthropic: { baseUrl: url, apiKey: 'sk-ant-test' },
    },
    policy: { retry: { maxAttempts: 1 } },
    routes,
    limits: { routes: policies },
    ...extra,
  });
}

interface Case {
  caller: DialectName;
  target: DialectName;
  given: number | undefined;
  route: RouteKind;
  star: boolean;
}

/** The limit fields the upstream should see, or the 400 the caller should get. */
function expected(c: Case): { fields: Body } | { rejected: string } {
  const cap = c.route === 'open' ? undefined : CAP;
  if (c.given !== undefined && cap !== undefined && c.given > cap && c.route === 'reject')
    return { rejected: 'max_tokens' };
  const fallback = Math.min(cap ?? Number.POSITIVE_INFINITY, c.star ? STAR_DEFAULT : 4096);
  const value = c.given === undefined ? fallback : Math.min(c.given, cap ?? c.given);
  if (c.target === 'anthropic') return { fields: { max_tokens: value } };
  if (c.caller === 'anthropic') return { fields: { max_completion_tokens: value } };
  // OpenAI to OpenAI: the caller's field, clamped; without one, a limit only on a capped route.
  if (c.given !== undefined) return { fields: { max_tokens: value } };
  return { fields: cap === undefined ? {} : { max_completion_tokens: value } };
}

function limitFields(body: Body): Body {
  const out: Body = {};
  for (const field of ['max_tokens', 'max_completion_tokens'])
    if (body[field] !== undefined) out[field] = body[field];
  return out;
}

const cases: Case[] = [];
for (const star of [true, false])
  for (const caller of ['openai', 'anthropic'] as const)
    for (const target of ['openai', 'anthropic'] as const)
      for (const route of ['clamp', 'reject', 'open'] as const)
        for (const given of [undefined, 50, 5000])
          cases.push({ caller, target, given, route, star });

const name = (c: Case) =>
  `${c.caller} → ${c.target}, max_tokens ${c.given ?? 'unset'}, ${c.route} route, ${c.star ? "'*' default" : 'no config default'}`;

const request = (c: Case, model: string): Body => ({
  model,
  messages: [{ role: 'user', content: 'Hi' }],
  ...(c.given === undefined ? {} : { max_tokens: c.given }),
});

let recorder: Awaited<ReturnType<typeof startRecorder>>;
const gateways = new Map<boolean, FastifyInstance>();
const engines = new Map<boolean, Engine>();

beforeAll(async () => {
  recorder = await startRecorder();
  const logger = createLogger({ level: 'silent', destination: { write: () => {} } });
  for (const star of [true, false]) {
    gateways.set(star, buildGateway({ config: configFor(recorder.url, star), logger }));
    engines.set(star, new Engine(configFor(recorder.url, star)));
  }
});

afterAll(async () => {
  for (const app of gateways.values()) await app.close();
  for (const engine of engines.values()) await engine.close();
  await new Promise((resolve) => recorder.server.close(resolve));
});

/** The body the upstream received for one call, or the error the caller got. */
async function viaGateway(c: Case, model: string) {
  const before = recorder.bodies.length;
  const reply = await gateways.get(c.star)!.inject({
    method: 'POST',
    url: c.caller === 'openai' ? '/v1/chat/completions' : '/v1/messages',
    payload: request(c, model),
  });
  if (reply.statusCode !== 200) {
    const body = reply.json();
    const message: string = body.error.message;
    // Anthropic's error envelope has no `param`: the message names the field first.
    const param = c.caller === 'openai' ? body.error.param : /^`(\w+)`/.exec(message)?.[1];
    return { status: reply.statusCode, param, message };
  }
  expect(recorder.bodies.length).toBe(before + 1);
  return { upstream: recorder.bodies.at(-1)! };
}

async function viaEngine(c: Case, model: string) {
  const before = recorder.bodies.length;
  try {
    await engines.get(c.star)!.call(c.caller, request(c, model));
  } catch (error) {
    if (!isBreakwaterError(error)) throw error;
    return { status: error.status, param: error.param, message: error.message };
  }
  expect(recorder.bodies.length).toBe(before + 1);
  return { upstream: recorder.bodies.at(-1)! };
}

describe.each([
  ['gateway', viaGateway],
  ['library engine', viaEngine],
] as const)('max_tokens through the %s', (_, send) => {
  it.each(cases.map((c) => [name(c), c] as const))('%s', async (_name, c) => {
    const outcome = await send(c, `${c.route}-${c.target}`);
    const want = expected(c);
    if ('rejected' in want) {
      expect(outcome).toMatchObject({ status: 400, param: want.rejected });
      expect(outcome.message).toMatch(/max_tokens.*cap of 100/);
      return;
    }
    expect(outcome).not.toHaveProperty('status');
    const fields = limitFields((outcome as { upstream: Body }).upstream);
    expect(fields).toEqual(want.fields);
    if (c.route !== 'open') {
      for (const value of Object.values(fields)) expect(value).toBeLessThanOrEqual(CAP);
    }
  });

  it('a provider/model route takes the `*` policy: default, cap and field checks alike', async () => {
    const c: Case = {
      caller: 'anthropic',
      target: 'anthropic',
      given: undefined,
      route: 'open',
      star: true,
    };
    const outcome = await send(c, TARGETS.anthropic);
    expect(limitFields((outcome as { upstream: Body }).upstream)).toEqual({
      max_tokens: STAR_DEFAULT,
    });
  });

  it('caps max_completion_tokens from an OpenAI caller on both targets, or rejects it', async () => {
    for (const target of ['openai', 'anthropic'] as const) {
      const before = recorder.bodies.length;
      const body = {
        model: `clamp-${target}`,
        messages: [{ role: 'user', content: 'Hi' }],
        max_completion_tokens: 5000,
      };
      const engine = engines.get(true)!;
      await engine.call('openai', body);
      expect(recorder.bodies.length).toBe(before + 1);
      expect(limitFields(recorder.bodies.at(-1)!)).toEqual(
        target === 'openai' ? { max_completion_tokens: CAP } : { max_tokens: CAP },
      );
      const refused = await engine
        .call('openai', { ...body, model: `reject-${target}` })
        .catch((error: unknown) => error);
      expect(refused).toMatchObject({ code: 'validation', param: 'max_completion_tokens' });
    }
  });
});

describe('a budget hold for a request without max_tokens', () => {
  it('says that setting max_tokens lowers the hold', async () => {
    const engine = new Engine(
      configFor(recorder.url, false, {
        budgets: { routes: { 'open-openai': { dailyUsd: 0.01 } } },
      }),
    );
    try {
      const refused = await engine
        .call('openai', { model: 'open-openai', messages: [{ role: 'user', content: 'Hi' }] })
        .catch((error: unknown) => error);
      expect(refused).toMatchObject({ code: 'budget_exceeded' });
      expect((refused as Error).message).toMatch(
        /sets no max_tokens, so the hold counts the model's most output, 16384 tokens; setting max_tokens lowers it/,
      );
      // With a limit the hold is small enough to go.
      const before = recorder.bodies.length;
      await engine.call('openai', {
        model: 'open-openai',
        max_tokens: 50,
        messages: [{ role: 'user', content: 'Hi' }],
      });
      expect(recorder.bodies.length).toBe(before + 1);
    } finally {
      await engine.close();
    }
  });
});
