/**
 * `startMock()`: the provider simulator on node:http (raw sockets are needed to hang, stall and
 * reset). Routes: `POST /v1/chat/completions` (OpenAI), `POST /v1/messages` and
 * `/v1/messages/count_tokens` (Anthropic), `GET /v1/models`, and the control endpoints
 * `GET /__stats`, `POST /__reset`, `PUT|POST /__scenario` (a scenario as JSON, or YAML).
 */

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { parse as parseYaml } from 'yaml';
import { type Clock, systemClock } from '../core/clock.ts';
import { linkSignals } from '../core/signals.ts';
import { readBody, sendJson } from './http-io.ts';
import { modelsList } from './models-list.ts';
import { handleProvider } from './provider-route.ts';
import type { ResolvedScenario, Scenario } from './scenario.ts';
import { ScenarioError } from './scenario-error.ts';
import { resolveScenario } from './scenario-load.ts';
import { parseScenario } from './scenario-parse.ts';
import { Simulator } from './simulator.ts';
import type { MockStats } from './stats.ts';

export interface StartMockOptions {
  /** @default 0 (any free port) */
  port?: number;
  /** @default '127.0.0.1' */
  host?: string;
  /** @default systemClock */
  clock?: Clock;
  /** Overrides the scenario's seed. @default scenario.seed ?? 0 */
  seed?: number;
}

export interface MockServer {
  /** e.g. `http://127.0.0.1:8701` (OpenAI clients add `/v1`). */
  url: string;
  port: number;
  stats(): MockStats;
  /** Clears counts and buckets, and restarts the timeline of down windows. */
  reset(): void;
  /** Swaps the scenario (validated); throws a ScenarioError naming the field. */
  setScenario(scenario: Scenario | ResolvedScenario): void;
  /** Stops listening and destroys every open socket, hanging ones included. */
  close(): Promise<void>;
}

export async function startMock(
  scenario: Scenario | ResolvedScenario | string,
  options: StartMockOptions = {},
): Promise<MockServer> {
  const { port = 0, host = '127.0.0.1', clock = systemClock, seed } = options;
  const sim = new Simulator(await resolveScenario(scenario), clock, seed);
  const sockets = new Set<Socket>();
  const server = createServer({ keepAliveTimeout: 5_000 }, (req, res) => {
    route(sim, req, res).catch((error: unknown) => {
      if (sim.closing.signal.aborted || res.destroyed) return;
      if (!res.headersSent) sendJson(res, 500, { error: { message: String(error) } });
      else res.destroy();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const actualPort = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${urlHost}:${actualPort}`,
    port: actualPort,
    stats: () => sim.stats.snapshot(),
    reset: () => sim.reset(),
    setScenario: (next) =>
      sim.setScenario(
        next.models instanceof Map ? (next as ResolvedScenario) : parseScenario(next),
      ),
    close: async () => {
      sim.closing.abort(new Error('mock server closed'));
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      server.closeAllConnections();
      await closed;
    },
  };
}

async function route(sim: Simulator, req: IncomingMessage, res: ServerResponse): Promise<void> {
  res.on('error', () => {}); // writes racing a client that left
  const left = new AbortController();
  // Linked by hand, not AbortSignal.any(): `closing` lives as long as the server, and any() would
  // hang a weak reference per request on it until a full collection (see core/signals.ts).
  const link = linkSignals(left.signal, sim.closing.signal);
  res.on('close', () => {
    left.abort(new Error('client closed the connection'));
    link.unlink();
  });
  const signal = link.signal!;
  const path = new URL(req.url ?? '/', 'http://mock').pathname.replace(/\/+$/, '');
  const method = req.method ?? 'GET';
  const key = `${method} ${path}`;
  switch (key) {
    case 'POST /v1/chat/completions':
    case 'POST /chat/completions':
      return handleProvider(sim, 'openai', 'chat', req, res, signal);
    case 'POST /v1/messages':
      return handleProvider(sim, 'anthropic', 'messages', req, res, signal);
    case 'POST /v1/messages/count_tokens':
      return handleProvider(sim, 'anthropic', 'count_tokens', req, res, signal);
    case 'GET /v1/models':
    case 'GET /models':
      return sendJson(res, 200, modelsList(req, sim.scenario, sim.clock.now()));
    case 'GET /__stats':
      return sendJson(res, 200, sim.stats.snapshot());
    case 'POST /__reset':
      sim.reset();
      return sendJson(res, 200, { ok: true });
    case 'PUT /__scenario':
    case 'POST /__scenario':
      return swapScenario(sim, req, res);
  }
  if (path.startsWith('/v1/messages')) {
    const error = { type: 'not_found_error', message: 'Not Found' };
    return sendJson(res, 404, { type: 'error', error, request_id: null });
  }
  const message = `Invalid URL (${method} ${path})`;
  return sendJson(res, 404, {
    error: { message, type: 'invalid_request_error', param: null, code: null },
  });
}

async function swapScenario(sim: Simulator, req: IncomingMessage, res: ServerResponse) {
  try {
    sim.setScenario(parseScenario(parseYaml(await readBody(req))));
    return sendJson(res, 200, { ok: true });
  } catch (error) {
    const field = error instanceof ScenarioError ? error.field : undefined;
    return sendJson(res, 400, { error: { message: (error as Error).message, field } });
  }
}
