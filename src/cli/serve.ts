/**
 * `breakwater serve`: the gateway, until SIGTERM or SIGINT, then a graceful shutdown.
 *
 *   breakwater serve [--config FILE] [--port N] [--host H] [--client-keys-file FILE]
 *                    [--grace-ms N] [--body-limit-bytes N]
 *
 * Without `--config` it serves the embedded config/default.yaml, and points every provider whose
 * key is not in the environment at the simulator, started in-process. Client keys come from
 * `BREAKWATER_CLIENT_KEYS` (comma-separated `id:key`) and `--client-keys-file`; without any, the
 * gateway listens on loopback only and refuses any other host. The banner goes to stderr; stdout
 * carries the JSON log lines.
 */
import { relative } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_CONFIG_FILE, loadConfigFile } from '../client/config-load.ts';
import type { ResolvedConfig } from '../client/config-types.ts';
import {
  assertSafeBind,
  buildGateway,
  type ClientKeyInput,
  ClientKeyring,
  loadClientKeysFile,
  parseClientKeysEnv,
} from '../gateway/index.ts';
import { simulateMissingKeys } from '../gateway/simulated-providers.ts';
import type { MockServer } from '../mock/index.ts';
import { openaiTokenizer } from '../tokens/openai-encoding.ts';

export const SERVE_USAGE =
  'breakwater serve [--config FILE] [--port N] [--host H] [--client-keys-file FILE] [--grace-ms N] [--body-limit-bytes N]';

export const DEFAULT_PORT = 8700;
export const DEFAULT_GRACE_MS = 30_000;

function integer(value: string | undefined, name: string, fallback: number, min = 0): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < min) {
    throw new TypeError(
      `Expected \`--${name}\` to be an integer of at least ${min}, got "${value}"`,
    );
  }
  return n;
}

async function clientKeys(file: string | undefined): Promise<ClientKeyInput[]> {
  const keys = parseClientKeysEnv(process.env.BREAKWATER_CLIENT_KEYS ?? '');
  if (file) keys.push(...(await loadClientKeysFile(file)));
  return keys;
}

function banner(url: string, config: ResolvedConfig, lines: string[]): string {
  const route = config.routes.keys().next().value ?? [...config.providers.keys()][0] ?? 'chat';
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
    `      -d '{"model":"${route}","messages":[{"role":"user","content":"Hello"}]}'`,
    '',
  ].join('\n');
}

export async function runServe(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      config: { type: 'string', short: 'c' },
      port: { type: 'string', short: 'p' },
      host: { type: 'string' },
      'client-keys-file': { type: 'string' },
      'grace-ms': { type: 'string' },
      'body-limit-bytes': { type: 'string' },
    },
    strict: true,
  });
  const port = integer(values.port, 'port', DEFAULT_PORT);
  const graceMs = integer(values['grace-ms'], 'grace-ms', DEFAULT_GRACE_MS);
  const bodyLimitBytes = values['body-limit-bytes']
    ? integer(values['body-limit-bytes'], 'body-limit-bytes', 0, 1)
    : undefined;
  const host = values.host ?? '127.0.0.1';
  const keyring = new ClientKeyring(await clientKeys(values['client-keys-file']));
  assertSafeBind(host, keyring.size);

  const file = values.config ?? DEFAULT_CONFIG_FILE;
  const lines: string[] = [`  config:         ${relative(process.cwd(), file) || file}`];
  let config: ResolvedConfig;
  let mock: MockServer | undefined;
  if (values.config === undefined) {
    const simulated = await simulateMissingKeys(file, process.env);
    config = simulated.config;
    mock = simulated.mock;
    for (const provider of config.providers.values()) {
      const where = simulated.simulated.includes(provider.name)
        ? `the simulator at ${provider.baseUrl} (scenarios/clean.yaml) — no ${provider.name.toUpperCase()}_API_KEY set`
        : provider.baseUrl;
      lines.push(`  ${`${provider.name}:`.padEnd(15)} ${where}`);
    }
  } else {
    config = await loadConfigFile(file);
  }
  lines.push(
    keyring.size > 0
      ? `  client keys:    ${keyring.size} (Authorization: Bearer or x-api-key)`
      : `  client keys:    none — listening on ${host} only; set BREAKWATER_CLIENT_KEYS to serve other hosts`,
  );

  // The limiter counts every prompt; load the BPE tables now rather than on the first request.
  openaiTokenizer('o200k_base').count('warm up');
  const app = buildGateway({ config, clientKeys: keyring, bodyLimitBytes });
  try {
    await app.listen({ port, host });
  } catch (err) {
    await app.close();
    await mock?.close();
    throw err;
  }
  const address = app.server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  process.stderr.write(banner(`http://${urlHost}:${actualPort}`, config, lines));

  await new Promise<void>((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      app.log.info({ signal, inFlight: app.breakwater.inFlight(), graceMs }, 'shutting down');
      // A second signal cuts what is left at once.
      const force = () => app.server.closeAllConnections();
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
