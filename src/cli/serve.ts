/**
 * `breakwater serve`: the gateway, until SIGTERM or SIGINT, then a graceful shutdown.
 *
 *   breakwater serve [--config FILE] [--port N] [--host HOST] [--client-keys-file FILE]
 *                    [--grace-ms N] [--body-limit-bytes N] [--headers-timeout-ms N]
 *                    [--request-timeout-ms N] [--keep-alive-timeout-ms N]
 *
 * Without `--config` it serves the embedded config/default.yaml, and points every provider whose
 * key is not in the environment at the simulator, started in-process. Client keys come from
 * `BREAKWATER_CLIENT_KEYS` (comma-separated `id:key`) and `--client-keys-file`; without any, the
 * gateway listens on loopback only and refuses any other host. The banner goes to stderr; stdout
 * carries the JSON log lines.
 */
import { relative } from 'node:path';
import { DEFAULT_CONFIG_FILE, loadConfigFile } from '../config/config-load.ts';
import type { ResolvedConfig } from '../config/config-types.ts';
import {
  assertSafeBind,
  buildGateway,
  type ClientKeyInput,
  ClientKeyring,
  loadClientKeysFile,
  parseClientKeysEnv,
  SERVER_TIMEOUT_DEFAULTS,
} from '../gateway/index.ts';
import type { MockServer } from '../mock/index.ts';
import { openaiTokenizer } from '../tokens/openai-encoding.ts';
import {
  type CliIO,
  type Command,
  integerFlag,
  type OptionSpec,
  type OptionValues,
} from './command.ts';
import { simulateMissingKeys } from './simulated-providers.ts';

export const DEFAULT_PORT = 8700;
export const DEFAULT_GRACE_MS = 30_000;

const OPTIONS = {
  config: {
    type: 'string',
    short: 'c',
    arg: 'FILE',
    description:
      'Config file (YAML or JSON). Default: the embedded config/default.yaml, with the simulator for providers without keys.',
  },
  port: {
    type: 'string',
    short: 'p',
    arg: 'N',
    description: `Port to listen on; 0 picks a free one. Default: ${DEFAULT_PORT}.`,
  },
  host: {
    type: 'string',
    arg: 'HOST',
    description: 'Address to listen on. Default: 127.0.0.1; any other needs client keys.',
  },
  'client-keys-file': {
    type: 'string',
    arg: 'FILE',
    description: 'Client keys (YAML or JSON), added to BREAKWATER_CLIENT_KEYS (id:key,…).',
  },
  'grace-ms': {
    type: 'string',
    arg: 'N',
    description: `On SIGTERM, how long in-flight calls may finish, in ms. Default: ${DEFAULT_GRACE_MS}.`,
  },
  'body-limit-bytes': {
    type: 'string',
    arg: 'N',
    description: 'Largest request body accepted, in bytes. Default: 33554432 (32 MiB).',
  },
  'headers-timeout-ms': {
    type: 'string',
    arg: 'N',
    description: `Longest a request's headers may take to arrive, in ms (then 408). Default: ${SERVER_TIMEOUT_DEFAULTS.headersTimeoutMs}.`,
  },
  'request-timeout-ms': {
    type: 'string',
    arg: 'N',
    description: `Longest a whole request, body included, may take to arrive, in ms (then 408). Default: ${SERVER_TIMEOUT_DEFAULTS.requestTimeoutMs}.`,
  },
  'keep-alive-timeout-ms': {
    type: 'string',
    arg: 'N',
    description: `How long an idle keep-alive connection stays open, in ms. Default: ${SERVER_TIMEOUT_DEFAULTS.keepAliveTimeoutMs}.`,
  },
} as const satisfies Record<string, OptionSpec>;

async function clientKeys(file: string | undefined, env: CliIO['env']): Promise<ClientKeyInput[]> {
  const keys = parseClientKeysEnv(env.BREAKWATER_CLIENT_KEYS ?? '');
  if (file) keys.push(...(await loadClientKeysFile(file)));
  return keys;
}

/** The model the banner's curl names: a route, else a target of the first provider. */
export function exampleModel(config: ResolvedConfig): string {
  const route = config.routes.keys().next().value;
  if (route !== undefined) return route;
  const provider = config.providers.values().next().value;
  if (!provider) return 'chat';
  // A target the config itself names for this provider, else a current model of its dialect.
  const prefix = `${provider.name}/`;
  const named = [
    ...Object.keys(config.limits.limiter.targets ?? {}),
    ...Object.keys(config.catalog),
  ].find((id) => id.startsWith(prefix) && !id.endsWith('*'));
  return named ?? `${prefix}${EXAMPLE_MODELS[provider.dialect]}`;
}

const EXAMPLE_MODELS = { openai: 'gpt-4o-mini', anthropic: 'claude-haiku-4-5' } as const;

function banner(url: string, config: ResolvedConfig, lines: string[]): string {
  const model = exampleModel(config);
  return [
    `breakwater gateway listening on ${url}`,
    ...lines,
    `  OpenAI SDKs:    baseURL ${url}/v1      Anthropic SDKs: baseURL ${url}`,
    `  health:         ${url}/healthz  ${url}/readyz  ${url}/status`,
    '  try:',
    `    curl ${url}/v1/chat/completions -H 'content-type: application/json' \\`,
    ...(lines.some((l) => l.includes('client keys:') && !l.includes('none'))
      ? ["      -H 'authorization: Bearer <your client key>' \\"]
      : []),
    `      -d '{"model":"${model}","messages":[{"role":"user","content":"Hello"}]}'`,
    '',
  ].join('\n');
}

/** A failure to listen, in one line that says what to do. */
function listenProblem(err: unknown, host: string, port: number): Error {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE')
    return new Error(
      `port ${port} on ${host} is in use — stop what holds it, or choose another with --port`,
    );
  if (code === 'EACCES')
    return new Error(
      `not allowed to listen on ${host}:${port} — choose a port above 1023 with --port`,
    );
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND')
    return new Error(`${host} is not an address of this machine — use 127.0.0.1 or one of its own`);
  return err as Error;
}

export const serveCommand: Command = {
  name: 'serve',
  summary: 'Start the gateway (OpenAI- and Anthropic-compatible) on 127.0.0.1:8700.',
  description:
    'Starts the gateway until SIGTERM or SIGINT, then drains in-flight calls. Without --config it\n' +
    'serves the embedded config/default.yaml, with the simulator standing in for providers whose\n' +
    'key is not set. The banner goes to stderr; stdout carries the JSON log lines.',
  options: OPTIONS,
  run: (values, io) => runServe(values, io),
};

/** host:port of a Redis URL, without its credentials. */
function redisWhere(url: string): string {
  const u = new URL(url);
  return `${u.protocol === 'rediss:' ? 'rediss://' : ''}${u.host}`;
}

async function runServe(values: OptionValues, io: CliIO): Promise<number> {
  const port = integerFlag(values, 'port', DEFAULT_PORT, 0, 65_535);
  const graceMs = integerFlag(values, 'grace-ms', DEFAULT_GRACE_MS);
  const bodyLimitBytes =
    values['body-limit-bytes'] === undefined
      ? undefined
      : integerFlag(values, 'body-limit-bytes', 0, 1);
  const optional = (name: string) =>
    values[name] === undefined ? undefined : integerFlag(values, name, 0, 1);
  const timeouts = {
    headersTimeoutMs: optional('headers-timeout-ms'),
    requestTimeoutMs: optional('request-timeout-ms'),
    keepAliveTimeoutMs: optional('keep-alive-timeout-ms'),
  };
  const host = typeof values.host === 'string' ? values.host : '127.0.0.1';
  const keysFile = values['client-keys-file'] as string | undefined;
  const keyring = new ClientKeyring(await clientKeys(keysFile, io.env));
  assertSafeBind(host, keyring.size);

  const given = values.config as string | undefined;
  const file = given ?? DEFAULT_CONFIG_FILE;
  const lines: string[] = [`  config:         ${relative(process.cwd(), file) || file}`];
  let config: ResolvedConfig;
  let mock: MockServer | undefined;
  if (given === undefined) {
    const simulated = await simulateMissingKeys(file, io.env);
    config = simulated.config;
    mock = simulated.mock;
    for (const provider of config.providers.values()) {
      const where = simulated.simulated.includes(provider.name)
        ? `the simulator at ${provider.baseUrl} (scenarios/clean.yaml) — no ${provider.name.toUpperCase()}_API_KEY set`
        : provider.baseUrl;
      lines.push(`  ${`${provider.name}:`.padEnd(15)} ${where}`);
    }
  } else {
    config = await loadConfigFile(file, { env: io.env });
  }
  lines.push(
    keyring.size > 0
      ? `  client keys:    ${keyring.size} (Authorization: Bearer or x-api-key)`
      : `  client keys:    none — listening on ${host} only; set BREAKWATER_CLIENT_KEYS to serve other hosts`,
  );

  // The limiter counts every prompt; load the BPE tables now rather than on the first request.
  openaiTokenizer('o200k_base').count('warm up');
  const app = buildGateway({ config, clientKeys: keyring, bodyLimitBytes, ...timeouts });
  if (config.store.kind === 'redis') {
    // Connected (or found unreachable, then serving degraded) before the first request.
    await app.breakwater.engine.ready();
    const { fleet } = app.breakwater.engine.store;
    const down = fleet?.health.degraded ? ' — UNREACHABLE: serving this gateway’s share' : '';
    lines.push(
      `  store:          redis at ${redisWhere(config.store.url)} (prefix ${config.store.keyPrefix}, fleet of ${fleet?.fleetSize()})${down}`,
    );
  }
  try {
    await app.listen({ port, host });
  } catch (err) {
    await app.close();
    await mock?.close();
    throw listenProblem(err, host, port);
  }
  const address = app.server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  io.err(banner(`http://${urlHost}:${actualPort}`, config, lines));

  await new Promise<void>((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      app.log.info({ signal, inFlight: app.breakwater.inFlight(), graceMs }, 'shutting down');
      // A second signal cuts what is left at once, each request ended in its own dialect.
      const force = () => app.breakwater.cut();
      process.once('SIGINT', force);
      process.once('SIGTERM', force);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  const { cut } = await app.breakwater.drain(graceMs);
  await mock?.close();
  app.log.info({ cut }, cut > 0 ? 'stopped; grace period ended with requests cut' : 'stopped');
  return 0;
}
