/**
 * `createClient(config)`: the library face of breakwater. One engine over the config; call it
 * directly in either dialect, or hand `client.fetch` to the official SDKs.
 */

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
import { type EventLogger, logEngineEvents } from '../telemetry/event-log.ts';
import { createFetch } from './fetch-adapter.ts';

export interface ClientOptions extends EngineOptions {
  /** Variables for `${NAME}` interpolation in the config. @default process.env */
  env?: Env;
  /** Where breaker transitions and failed attempts are logged (pino-compatible). @default silent */
  logger?: EventLogger;
}

export interface BreakwaterClient {
  /** A fetch for `new OpenAI({ fetch })`, `new Anthropic({ fetch })` and the AI SDK providers. */
  readonly fetch: typeof fetch;
  readonly engine: Engine;
  /** An OpenAI Chat Completions call; `body.model` names a route or a `provider/model`. */
  chat(body: ChatCompletionRequest, options?: CallOptions): Promise<EngineAnswer>;
  /** An Anthropic Messages call. */
  messages(body: MessageCreateRequest, options?: CallOptions): Promise<EngineAnswer>;
  call(dialect: DialectName, body: unknown, options?: CallOptions): Promise<EngineAnswer>;
  /** Closes the upstream connection pools. */
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
  if (options.logger) logEngineEvents(engine, options.logger);
  return {
    fetch: createFetch(engine),
    engine,
    chat: (body, options) => engine.call('openai', body, options),
    messages: (body, options) => engine.call('anthropic', body, options),
    call: (dialect, body, options) => engine.call(dialect, body, options),
    close: () => engine.close(),
  };
}
