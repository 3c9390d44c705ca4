/**
 * The four ways a request reaches the simulator — directly, through the bare passthrough,
 * through breakwater's gateway with its default policies, through Portkey's open-source gateway —
 * each started as a process of its own, and the request each is sent.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { GATEWAY_NODE_FLAGS } from '../../src/cli/node-flags.ts';
import type { Target } from './jobs.ts';
import { freePort, type Started, startServer } from './processes.ts';

export const CONTENDER_NAMES = ['direct', 'passthrough', 'breakwater', 'portkey'] as const;
export type ContenderName = (typeof CONTENDER_NAMES)[number];

export const LABELS: Record<ContenderName, string> = {
  direct: 'simulator direct',
  passthrough: 'bare passthrough',
  breakwater: 'breakwater',
  portkey: 'Portkey',
};

const root = join(import.meta.dirname, '..', '..');
const CLI = join(root, 'src/cli/main.ts');
/** The installed devDependency's entry point; `--portkey FILE` runs another build. */
export const PORTKEY_BIN = join(root, 'node_modules/@portkey-ai/gateway/build/start-server.js');

/**
 * Why Portkey's streams may fail here: with @hono/node-server above 1.14.2 (npm resolves its
 * `^1.3.3` to the newest), Portkey appends its headers to a fetch Response's immutable headers and
 * answers every stream with a 500 (Portkey-AI/gateway#1389, still open). Portkey's own repo pins
 * 1.13.5 through a patch-package patch that its npm package does not ship; package.json's
 * `overrides` pins the same version for it here. The check stays for other builds (`--portkey`).
 */
export const PORTKEY_STREAM_HINT =
  'Portkey-AI/gateway#1389: with @hono/node-server > 1.14.2 its updateHeaders() appends to an ' +
  'immutable fetch Headers ("TypeError: immutable") and every stream answers 500; pin ' +
  '@hono/node-server 1.13.5 for it (npm overrides) or run another build with --portkey FILE';

/** The simulator model every contender's requests reach. */
const MODEL = 'gpt-4o-mini';

/** What every request asks: short, with `max_tokens` set, as in the other benches. */
const MESSAGES = [{ role: 'user', content: 'Name one thing that floats.' }];

/** `@portkey-ai/gateway 1.15.2 with @hono/node-server 1.19.19`, as Node resolves them from `bin`. */
export function describePortkey(bin: string): string {
  const version = (dir: string) => {
    const file = join(dir, 'package.json');
    return existsSync(file)
      ? (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version
      : '?';
  };
  const gateway = dirname(dirname(bin));
  let hono = '?';
  for (let dir = gateway; dir !== dirname(dir); dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules/@hono/node-server');
    if (existsSync(candidate)) {
      hono = version(candidate);
      break;
    }
  }
  const where = relative(root, bin).startsWith('..') ? ` (${bin})` : '';
  return `@portkey-ai/gateway ${version(gateway)} with @hono/node-server ${hono}${where}`;
}

export interface Contender {
  name: ContenderName;
  /** The process that serves the contender's requests (the simulator itself for `direct`). */
  pid: number;
  url: string;
  /** What the contender's process last wrote (empty for `direct`). */
  output(): string;
  /** The request to send; `model` names a simulator model instead of the default one. */
  target(stream: boolean, model?: string): Target;
  stop(): Promise<void>;
}

export interface Placement {
  /** taskset cores for the process under test and for the simulator; undefined: unpinned. */
  proxyCpus: string | undefined;
  simulatorCpus: string | undefined;
}

export async function startSimulator(
  scenarioFile: string,
  cpus: string | undefined,
): Promise<Started> {
  return startServer({
    label: 'simulator',
    args: [CLI, 'mock', '--scenario', scenarioFile, '--port', '0'],
    cpus,
    ready: { line: /listening on (http:\/\/\S+)/, stream: 'stdout' },
  });
}

function target(
  origin: string,
  model: string,
  stream: boolean,
  extra: Record<string, string> = {},
): Target {
  const body: Record<string, unknown> = { model, messages: MESSAGES, max_tokens: 32 };
  if (stream) body.stream = true;
  return {
    origin,
    path: '/v1/chat/completions',
    headers: {
      'content-type': 'application/json',
      authorization: 'Bearer sk-bench',
      ...extra,
    },
    body: JSON.stringify(body),
  };
}

/** The config breakwater serves in the bench: one provider (the simulator), one route. */
export function writeBreakwaterConfig(dir: string, simulatorUrl: string): string {
  const file = join(dir, `breakwater-${new URL(simulatorUrl).port}.json`);
  const config = {
    providers: { openai: { baseUrl: simulatorUrl, apiKey: 'sk-bench' } },
    routes: { chat: { tiers: [`openai/${MODEL}`] } },
  };
  writeFileSync(file, JSON.stringify(config, null, 2));
  return file;
}

export interface StartOptions {
  simulator: Started;
  placement: Placement;
  /** Where config files go. */
  dir: string;
  /** Extra Node flags for the gateway process (`--cpu-prof`). */
  nodeFlags?: readonly string[];
  /** Portkey only: the start-server.js to run. @default PORTKEY_BIN */
  portkeyBin?: string;
}

export async function startContender(name: ContenderName, o: StartOptions): Promise<Contender> {
  const sim = o.simulator.url;
  const cpus = o.placement.proxyCpus;
  const flags = o.nodeFlags ?? [];
  switch (name) {
    case 'direct':
      return {
        name,
        pid: o.simulator.pid,
        url: sim,
        output: () => '',
        target: (stream, model) => target(sim, model ?? MODEL, stream),
        stop: async () => {},
      };
    case 'passthrough': {
      const started = await startServer({
        label: LABELS[name],
        args: [...flags, join(import.meta.dirname, 'passthrough.ts'), '--upstream', sim],
        cpus,
        ready: { line: /listening on (http:\/\/\S+)/, stream: 'stdout' },
      });
      return wrap(name, started, (stream, model) => target(started.url, model ?? MODEL, stream));
    }
    case 'breakwater': {
      const config = writeBreakwaterConfig(o.dir, sim);
      // As `npm start` and the `breakwater` executable run it.
      const args = [...GATEWAY_NODE_FLAGS, CLI, 'serve', '--config', config, '--port', '0'];
      const started = await startServer({
        label: LABELS[name],
        args: [...flags, ...args],
        cpus,
        // One JSON log line per request goes to stdout, as in production; here to /dev/null.
        quietStdout: true,
        ready: { line: /listening on (http:\/\/\S+)/, stream: 'stderr' },
      });
      // The route `chat` by default; another model as a one-tier `provider/model` route.
      return wrap(name, started, (stream, model) =>
        target(started.url, model ? `openai/${model}` : 'chat', stream),
      );
    }
    case 'portkey': {
      const port = await freePort();
      const started = await startServer({
        label: LABELS[name],
        args: [...flags, o.portkeyBin ?? PORTKEY_BIN, '--headless', `--port=${port}`],
        cpus,
        // Portkey logs only its banner and its errors; they explain a failed check.
        ready: { port },
      });
      const config = JSON.stringify({
        provider: 'openai',
        api_key: 'sk-bench',
        custom_host: `${sim}/v1`,
      });
      return wrap(name, started, (stream, model) =>
        target(started.url, model ?? MODEL, stream, { 'x-portkey-config': config }),
      );
    }
  }
}

function wrap(name: ContenderName, started: Started, t: Contender['target']): Contender {
  return {
    name,
    pid: started.pid,
    url: started.url,
    output: started.output,
    target: t,
    stop: () => started.stop(),
  };
}
