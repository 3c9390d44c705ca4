/**
 * The stack the gateway suites run against: the simulator on 127.0.0.1 (port 0), a gateway in
 * front of it (listening on 127.0.0.1 port 0, or only `inject()`ed), an upstream pool the test
 * can inspect for leaked sockets, and every log line captured in memory.
 */
import type { FastifyInstance } from 'fastify';
import { resolveConfig } from '../../src/client/config-resolve.ts';
import type { BreakwaterConfig, PolicyConfig } from '../../src/client/config-types.ts';
import { buildGateway, type GatewayOptions } from '../../src/gateway/index.ts';
import { type MockServer, type Scenario, startMock } from '../../src/mock/index.ts';
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
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const mock = await startMock(options.scenario ?? { seed: 1, default: { outputTokens: 12 } });
  const config = resolveConfig({
    providers: {
      openai: { baseUrl: mock.url, apiKey: OPENAI_PROVIDER_KEY },
      anthropic: { baseUrl: mock.url, apiKey: ANTHROPIC_PROVIDER_KEY },
    },
    policy: options.policy ?? FAST_POLICY,
    routes: options.routes ?? {},
  });
  const pool = createUpstreamPool({ origins: [mock.url] });
  const logs: string[] = [];
  const logger = createLogger({
    level: 'debug',
    destination: { write: (line: string) => void logs.push(line) },
  });
  const app = buildGateway({
    ...options.gateway,
    config,
    logger,
    engineOptions: { pool, ...options.gateway?.engineOptions },
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
