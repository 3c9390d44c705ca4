/**
 * The stack the gateway suites run against: the simulator on 127.0.0.1 (port 0), a gateway in
 * front of it (listening on 127.0.0.1 port 0, or only `inject()`ed), an upstream pool the test
 * can inspect for leaked sockets, and every log line captured in memory.
 */
import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { resolveConfig } from '../../src/config/config-resolve.ts';
import type { BreakwaterConfig, PolicyConfig } from '../../src/config/config-types.ts';
import type { Clock } from '../../src/core/clock.ts';
import { buildGateway, type GatewayOptions } from '../../src/gateway/index.ts';
import { type MockServer, type Scenario, startMock } from '../../src/mock/index.ts';
import { appInfo } from '../../src/telemetry/app-info.ts';
import { createLogger } from '../../src/telemetry/logger.ts';
import { createUpstreamPool, type UpstreamPool } from '../../src/upstream/upstream-pool.ts';

/** Provider keys the gateway holds; no answer and no log line may ever show them. */
export const OPENAI_PROVIDER_KEY = 'sk-proj-PROVIDERSECRETopenai0123456789';
export const ANTHROPIC_PROVIDER_KEY = 'sk-ant-api03-PROVIDERSECRETanthropic0123456789';

/** Fast retries and short timeouts, so a failing call ends in well under a second or two. */
export const FAST_POLICY: PolicyConfig = {
  retry: { maxAttempts: 2, baseMs: 5, capMs: 20 },
  timeouts: { connectMs: 1_000, firstByteMs: 300, idleMs: 300, deadlineMs: 2_000 },
};

export interface Stack {
  mock: MockServer;
  app: FastifyInstance;
  pool: UpstreamPool;
  /** `http://127.0.0.1:port` when listening, else ''. */
  url: string;
  logs: string[];
  close(): Promise<void>;
}

export interface StackOptions {
  scenario?: Scenario;
  routes?: BreakwaterConfig['routes'];
  policy?: PolicyConfig;
  listen?: boolean;
  gateway?: Omit<GatewayOptions, 'config' | 'logger'>;
  /** The config's `telemetry` section. */
  telemetry?: BreakwaterConfig['telemetry'];
  budgets?: BreakwaterConfig['budgets'];
  limits?: BreakwaterConfig['limits'];
  /** The level of the captured log. @default 'debug' */
  logLevel?: string;
  /** Both providers' breaker settings. */
  breaker?: NonNullable<BreakwaterConfig['providers'][string]>['breaker'];
  /** One clock for the simulator's latency and the engine (a `ManualClock` in timing tests). */
  clock?: Clock;
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const mock = await startMock(options.scenario ?? { seed: 1, default: { outputTokens: 12 } }, {
    clock: options.clock,
  });
  const config = resolveConfig({
    providers: {
      openai: { baseUrl: mock.url, apiKey: OPENAI_PROVIDER_KEY, breaker: options.breaker },
      anthropic: { baseUrl: mock.url, apiKey: ANTHROPIC_PROVIDER_KEY, breaker: options.breaker },
    },
    policy: options.policy ?? FAST_POLICY,
    routes: options.routes ?? {},
    telemetry: options.telemetry,
    budgets: options.budgets,
    limits: options.limits,
  });
  const pool = createUpstreamPool({ origins: [mock.url] });
  const logs: string[] = [];
  const logger = createLogger({
    level: options.logLevel ?? 'debug',
    base: appInfo(config.telemetry),
    destination: { write: (line: string) => void logs.push(line) },
  });
  const app = buildGateway({
    ...options.gateway,
    config,
    logger,
    engineOptions: { pool, clock: options.clock, ...options.gateway?.engineOptions },
  });
  let url = '';
  if (options.listen !== false) {
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.address();
    url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  }
  return {
    mock,
    app,
    pool,
    url,
    logs,
    close: async () => {
      await app.close();
      await pool.close();
      await mock.close();
    },
  };
}

/** Requests on upstream connections now, over every origin (0 once every call let go). */
export function upstreamRunning(pool: UpstreamPool): number {
  return Object.values(pool.stats()).reduce((n, s) => n + s.running + s.pending, 0);
}

/** Resolves once `check()` holds; fails after `limitMs` (an event awaited, not a sleep). */
export async function eventually(check: () => boolean, limitMs = 3_000): Promise<void> {
  const until = Date.now() + limitMs;
  while (!check()) {
    if (Date.now() > until) throw new Error(`condition not met within ${limitMs} ms`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** Client keys of the compatibility and chaos suites' gateways. */
export const CLIENT_KEY = 'bw-client-key-0123456789abcdef';
export const LIMITED_KEY = 'bw-limited-key-0123456789abcdef';

/**
 * One model per fault, for each provider: `gpt-<fault>` answers OpenAI requests, `claude-<fault>`
 * Anthropic ones. Every fault fires on every request, so each call takes the failure path.
 */
export function faultScenario(): Scenario {
  const models: NonNullable<Scenario['models']> = {};
  const faults: Record<string, NonNullable<NonNullable<Scenario['default']>['faults']>> = {
    '429': [{ kind: 'status', status: 429, retryAfterS: 2, probability: 1 }],
    '400': [{ kind: 'status', status: 400, probability: 1 }],
    '500': [{ kind: 'status', status: 500, probability: 1 }],
    '503': [{ kind: 'status', status: 503, probability: 1 }],
    '529': [{ kind: 'status', status: 529, probability: 1 }],
    hang: [{ kind: 'hang', probability: 1 }],
    slow: [{ kind: 'slow_first_byte', delayMs: 5_000, probability: 1 }],
    stall: [{ kind: 'stall_midstream', afterChunks: 3, delayMs: 5_000, probability: 1 }],
    reset: [{ kind: 'reset', afterChunks: 3, probability: 1 }],
    malformed: [{ kind: 'malformed_json', probability: 1 }],
    cut: [{ kind: 'stream_cut', afterChunks: 3, probability: 1 }],
    midfail: [{ kind: 'midstream_error', afterChunks: 6, probability: 1 }],
  };
  for (const [name, list] of Object.entries(faults)) {
    models[`gpt-${name}`] = { faults: list };
    models[`claude-${name}`] = { faults: list };
  }
  models['gpt-tools'] = { toolCall: true };
  models['claude-tools'] = { toolCall: true };
  models['gpt-down'] = { down: [{ fromS: 0, status: 503 }] };
  models['claude-down'] = { down: [{ fromS: 0, status: 529 }] };
  return { seed: 7, default: { outputTokens: 16 }, models };
}

/** Routes for cross-dialect fallback: a provider that is down, then the other provider. */
export const FALLBACK_ROUTES = {
  'to-claude': { tiers: ['openai/gpt-down', 'anthropic/claude-sonnet-4-5'] },
  'to-gpt': { tiers: ['anthropic/claude-down', 'openai/gpt-4o'] },
  chat: { tiers: ['openai/gpt-4o-mini'] },
};

/** Fast policy that fails at once on a long Retry-After instead of waiting for it. */
export const COMPAT_POLICY: PolicyConfig = {
  ...FAST_POLICY,
  retry: { ...FAST_POLICY.retry, maxRetryDelayMs: 50 },
};

export const COMPAT_KEYS = [
  { id: 'app', key: CLIENT_KEY },
  { id: 'limited', key: LIMITED_KEY, routes: ['chat'] },
];

/**
 * Records every byte the gateway writes to its clients' sockets (status lines, headers, bodies,
 * stream events), whatever wrote it; call before the first request. Returns the text so far.
 */
export function captureWire(app: FastifyInstance): () => string {
  const sent: Buffer[] = [];
  const keep = (chunk: unknown) => {
    if (typeof chunk === 'string') sent.push(Buffer.from(chunk));
    else if (chunk instanceof Uint8Array) sent.push(Buffer.from(chunk));
  };
  app.server.on('connection', (socket: Socket) => {
    const write = socket.write.bind(socket) as (...args: unknown[]) => boolean;
    const end = socket.end.bind(socket) as (...args: unknown[]) => Socket;
    socket.write = ((chunk: unknown, ...rest: unknown[]) => {
      keep(chunk);
      return write(chunk, ...rest);
    }) as Socket['write'];
    socket.end = ((chunk?: unknown, ...rest: unknown[]) => {
      if (typeof chunk !== 'function') keep(chunk);
      return end(chunk, ...rest);
    }) as Socket['end'];
  });
  return () => Buffer.concat(sent).toString('latin1');
}
