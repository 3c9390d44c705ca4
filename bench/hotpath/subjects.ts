/**
 * The ways one in-process call reaches the simulator, each beside its baseline: undici alone
 * (send, read the whole answer, parse it) and breakwater's engine; a minimal Fastify route over
 * undici and breakwater's whole gateway; a streamed answer (32 tokens) read through undici
 * alone and through the engine; and the same stream relayed by a minimal Fastify route and by the
 * gateway. The Fastify ones are driven by `inject()`, so no socket is between the caller and the
 * server and only the server's own work is counted.
 *
 * Each breakwater subject runs with its telemetry off, and again with metrics on (`+metrics`:
 * Prometheus metrics, the status page's figures, spans through the OpenTelemetry API without an
 * SDK), measured against the same subject with them off.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { Pool } from 'undici';
import { resolveConfig } from '../../src/config/config-resolve.ts';
import { Engine } from '../../src/engine/engine.ts';
import { buildGateway } from '../../src/gateway/index.ts';
import { Telemetry } from '../../src/telemetry/instrument.ts';
import { batchedDestination, createLogger } from '../../src/telemetry/logger.ts';

export const SUBJECTS = [
  'undici',
  'engine',
  'engine+metrics',
  'fastify',
  'gateway',
  'gateway+metrics',
  'undici-stream',
  'engine-stream',
  'engine-stream+metrics',
  'fastify-stream',
  'gateway-stream',
  'gateway-stream+metrics',
] as const;
export type SubjectName = (typeof SUBJECTS)[number];

/** What each subject is measured against in the report (`undefined`: it is a baseline). */
export const BASELINE: Record<SubjectName, SubjectName | undefined> = {
  undici: undefined,
  engine: 'undici',
  'engine+metrics': 'engine',
  fastify: undefined,
  gateway: 'fastify',
  'gateway+metrics': 'gateway',
  'undici-stream': undefined,
  'engine-stream': 'undici-stream',
  'engine-stream+metrics': 'engine-stream',
  'fastify-stream': undefined,
  'gateway-stream': 'fastify-stream',
  'gateway-stream+metrics': 'gateway-stream',
};

export interface Subject {
  /** One call, resolved once its whole answer is in. */
  call(): Promise<void>;
  close(): Promise<void>;
}

const MODEL = 'gpt-4o-mini';
const MESSAGES = [{ role: 'user', content: 'Name one thing that floats.' }];
const ROUTE_BODY = { model: 'chat', messages: MESSAGES, max_tokens: 32 };
const PAYLOAD = JSON.stringify(ROUTE_BODY);
const STREAM_PAYLOAD = JSON.stringify({ ...ROUTE_BODY, stream: true });

function expectOk(status: number, body: string): void {
  if (status !== 200) throw new Error(`status ${status}: ${body.slice(0, 300)}`);
}

/** The simulator's chat endpoint through `pool`, with `body` as the request. */
function send(pool: Pool, body: Record<string, unknown>) {
  return pool.request({
    path: '/v1/chat/completions',
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer sk-bench' },
    body: JSON.stringify({ ...body, model: MODEL }),
  });
}

/**
 * `metrics`: Prometheus metrics, the status page's figures and spans (through the OpenTelemetry
 * API with no SDK, as most deployments run) on, as the gateway has them by default; otherwise
 * off. Node's process metrics stay off either way: they cost nothing per call.
 */
function config(simulator: string, metrics: boolean) {
  return resolveConfig(
    {
      providers: { openai: { baseUrl: simulator, apiKey: 'sk-bench' } },
      routes: { chat: { tiers: [`openai/${MODEL}`] } },
      telemetry: {
        metrics: { enabled: metrics, processMetrics: false },
        tracing: { enabled: metrics },
      },
    },
    { env: {} },
  );
}

/** An engine, instrumented as `createClient` does when `metrics`. */
function engineFor(simulator: string, metrics: boolean): Engine {
  const resolved = config(simulator, metrics);
  const engine = new Engine(resolved);
  if (metrics) new Telemetry(engine, { config: resolved });
  return engine;
}

function injected(app: FastifyInstance, payload = PAYLOAD): Subject {
  const stream = payload === STREAM_PAYLOAD;
  return {
    async call() {
      const res = await app.inject({
        method: 'POST',
        url: '/v1/chat/completions',
        headers: { 'content-type': 'application/json' },
        payload,
      });
      expectOk(res.statusCode, res.body);
      if (stream && !res.body.includes('[DONE]')) throw new Error('the stream did not finish');
    },
    close: () => app.close(),
  };
}

export async function startSubject(name: SubjectName, simulator: string): Promise<Subject> {
  switch (name) {
    case 'undici': {
      const pool = new Pool(simulator, { pipelining: 1 });
      return {
        async call() {
          const res = await send(pool, ROUTE_BODY);
          const text = await res.body.text();
          expectOk(res.statusCode, text);
          JSON.parse(text);
        },
        close: () => pool.close(),
      };
    }
    case 'engine+metrics':
    case 'engine': {
      const engine = engineFor(simulator, name === 'engine+metrics');
      return {
        async call() {
          const answer = await engine.call('openai', { ...ROUTE_BODY }, {});
          if (answer.kind !== 'json') throw new Error('expected a JSON answer');
        },
        close: () => engine.close(),
      };
    }
    case 'fastify': {
      const pool = new Pool(simulator, { pipelining: 1 });
      const app = Fastify();
      app.post('/v1/chat/completions', async (request, reply) => {
        const body = request.body as Record<string, unknown>;
        const res = await send(pool, body);
        const text = await res.body.text();
        JSON.parse(text);
        return reply.code(res.statusCode).type('application/json; charset=utf-8').send(text);
      });
      app.addHook('onClose', () => pool.close());
      await app.ready();
      return injected(app);
    }
    case 'undici-stream': {
      const pool = new Pool(simulator, { pipelining: 1 });
      return {
        async call() {
          const res = await send(pool, { ...ROUTE_BODY, stream: true });
          if (res.statusCode !== 200) throw new Error(`status ${res.statusCode}`);
          for await (const _ of res.body) {
            // read to the end
          }
        },
        close: () => pool.close(),
      };
    }
    case 'engine-stream+metrics':
    case 'engine-stream': {
      const engine = engineFor(simulator, name === 'engine-stream+metrics');
      return {
        async call() {
          const answer = await engine.call('openai', { ...ROUTE_BODY, stream: true }, {});
          if (answer.kind !== 'stream') throw new Error('expected a stream');
          for await (const _ of answer.body) {
            // read to the end
          }
        },
        close: () => engine.close(),
      };
    }
    case 'fastify-stream': {
      // Relays the simulator's stream as it comes, as a minimal SSE proxy route would.
      const pool = new Pool(simulator, { pipelining: 1 });
      const app = Fastify();
      app.post('/v1/chat/completions', async (request, reply) => {
        const res = await send(pool, request.body as Record<string, unknown>);
        reply.hijack();
        reply.raw.writeHead(res.statusCode, { 'content-type': 'text/event-stream; charset=utf-8' });
        for await (const chunk of res.body) reply.raw.write(chunk);
        reply.raw.end();
      });
      app.addHook('onClose', () => pool.close());
      await app.ready();
      return injected(app, STREAM_PAYLOAD);
    }
    case 'gateway-stream':
    case 'gateway-stream+metrics':
    case 'gateway':
    case 'gateway+metrics': {
      // Its log lines go where stdout's would, batched the same way, but to /dev/null.
      const app = buildGateway({
        config: config(simulator, name.endsWith('+metrics')),
        logger: createLogger({ destination: batchedDestination('/dev/null') }),
      });
      await app.ready();
      return injected(app, name.startsWith('gateway-stream') ? STREAM_PAYLOAD : PAYLOAD);
    }
  }
}
