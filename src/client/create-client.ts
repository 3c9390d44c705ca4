/**
 * `createClient(config)`: the library face of breakwater. One engine over the config; call it
 * directly in either dialect, or hand `client.fetch` to the official SDKs.
 */

import type { Registry } from 'prom-client';
import { loadConfigFile } from '../config/config-load.ts';
import { resolveConfig } from '../config/config-resolve.ts';
import type { BreakwaterConfig } from '../config/config-types.ts';
import type { Env } from '../config/env-interpolate.ts';
import type { MessageCreateRequest } from '../dialects/anthropic/types.ts';
import type { DialectName } from '../dialects/dialect-name.ts';
import type { ChatCompletionRequest } from '../dialects/openai/types.ts';
import {
  type CallOptions,
  Engine,
  type EngineAnswer,
  type EngineOptions,
} from '../engine/engine.ts';
import type { LimiterStats } from '../limiter/limiter-stats.ts';
import type { EventLogger } from '../telemetry/event-log.ts';
import { Telemetry } from '../telemetry/instrument.ts';
import { createFetch } from './fetch-adapter.ts';

export interface ClientOptions extends EngineOptions {
  /** Variables for `${NAME}` interpolation in the config. @default process.env */
  env?: Env;
  /**
   * Where breaker transitions, failed attempts and limiter notices are logged (pino-compatible;
   * with `debug`, one line per attempt, retry and fallback too). @default silent
   */
  logger?: EventLogger;
  /** Where the client's metrics are registered. @default a Registry of its own (`client.metrics`) */
  registry?: Registry;
}

export interface BreakwaterClient {
  /** A fetch for `new OpenAI({ fetch })`, `new Anthropic({ fetch })` and the AI SDK providers. */
  readonly fetch: typeof fetch;
  readonly engine: Engine;
  /**
   * The client's Prometheus metrics (prom-client), to serve or merge into the application's
   * (`Registry.merge([client.metrics, register])`); undefined when `telemetry.metrics.enabled`
   * is false. Spans go through `@opentelemetry/api` to whatever SDK the application registered.
   */
  readonly metrics: Registry | undefined;
  /** An OpenAI Chat Completions call; `body.model` names a route or a `provider/model`. */
  chat(body: ChatCompletionRequest, options?: CallOptions): Promise<EngineAnswer>;
  /** An Anthropic Messages call. */
  messages(body: MessageCreateRequest, options?: CallOptions): Promise<EngineAnswer>;
  call(dialect: DialectName, body: unknown, options?: CallOptions): Promise<EngineAnswer>;
  /** Unsubscribes the client's telemetry and closes the upstream connection pools. */
  close(): Promise<void>;
}

export function createClient(
  config: BreakwaterConfig,
  options: ClientOptions = {},
): BreakwaterClient {
  const engine = new Engine(resolveConfig(config, { env: options.env }), options);
  return clientOver(engine, options);
}

/** A client from a YAML or JSON config file. */
export async function createClientFromFile(
  path: string,
  options: ClientOptions = {},
): Promise<BreakwaterClient> {
  const engine = new Engine(await loadConfigFile(path, { env: options.env }), options);
  return clientOver(engine, options);
}

function clientOver(engine: Engine, options: ClientOptions): BreakwaterClient {
  const telemetry = new Telemetry(engine, {
    config: engine.config,
    logger: options.logger,
    registry: options.registry,
    limiterStats: statsOf(engine.admission),
    clock: options.clock,
  });
  return {
    fetch: createFetch(engine),
    engine,
    metrics: telemetry.metrics?.registry,
    chat: (body, options) => engine.call('openai', body, options),
    messages: (body, options) => engine.call('anthropic', body, options),
    call: (dialect, body, options) => engine.call(dialect, body, options),
    close: () => {
      telemetry.close();
      return engine.close();
    },
  };
}

/** The limiter's figures for the gauges, when the engine's admission is a limiter. */
function statsOf(admission: object): (() => LimiterStats) | undefined {
  const stats = (admission as { stats?: () => LimiterStats }).stats;
  return typeof stats === 'function' ? () => stats.call(admission) : undefined;
}
