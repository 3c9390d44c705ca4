/**
 * `buildGateway(options)`: the Fastify server that speaks both providers' APIs over one engine.
 *
 *   POST /v1/chat/completions          OpenAI Chat Completions (JSON or SSE)
 *   POST /v1/messages                  Anthropic Messages (JSON or SSE)
 *   POST /v1/messages/count_tokens     Anthropic token count (an offline estimate)
 *   GET  /v1/models                    routes and targets, in a list both SDKs read
 *   GET  /healthz  /readyz  /status    alive; may take traffic; breakers and limiter
 *
 * Every answer carries the gateway's own `x-request-id` (and Anthropic's `request-id` on its
 * paths); every error goes through the one error handler; one log line is written per request
 * when its connection's answer is over. The instance is returned unstarted: `listen()` it (see
 * safe-bind.ts for where), `inject()` it in tests, and `app.breakwater.drain(graceMs)` it to shut
 * down gracefully.
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import type { ResolvedConfig } from '../config/config-types.ts';
import { type Clock, systemClock } from '../core/clock.ts';
import { Engine, type EngineOptions } from '../engine/engine.ts';
import type { Limiter } from '../limiter/limiter.ts';
import { type InstrumentOptions, Telemetry } from '../telemetry/instrument.ts';
import { type Logger, loggerFor } from '../telemetry/logger.ts';
import { AdminKey } from './admin-key.ts';
import { clientErrorHandler, expectationHandler } from './client-error.ts';
import { type ClientKeyInput, ClientKeyring, mergeClientKeyBudgets } from './client-keys.ts';
import { completionHandler } from './completion-route.ts';
import { countTokensHandler } from './count-tokens.ts';
import { cutNow, type DrainResult, drain, InFlight } from './drain.ts';
import { handleError } from './error-handler.ts';
import type { Exchange } from './exchange.ts';
import { methodNotAllowed, pathNotFound } from './gateway-errors.ts';
import { registerHealthRoutes } from './health-routes.ts';
import { jsonBodyParser } from './json-body.ts';
import { modelList } from './models-list.ts';
import { registerObservabilityRoutes } from './observability-routes.ts';
import type { ReadinessCheck } from './readiness.ts';
import { requestLifecycle } from './request-lifecycle.ts';
import type { LimiterStatusSource } from './status.ts';
import { TenantQuota } from './tenant-quota.ts';

export interface GatewayOptions {
  config: ResolvedConfig;
  /** The engine to serve. @default a new Engine over `config` and `engineOptions`, closed with the gateway */
  engine?: Engine;
  /** For the engine the gateway creates. */
  engineOptions?: EngineOptions;
  /**
   * The gateway's client keys (plain keys are hashed at once), or a ready keyring. A key's
   * `budget` becomes its tenant's entry in `config.budgets.tenants` for the engine the gateway
   * creates. @default none: open, loopback only
   */
  clientKeys?: readonly ClientKeyInput[] | ClientKeyring;
  /** @default a pino logger on stdout (see telemetry/logger.ts) */
  logger?: Logger;
  /** The largest request body accepted, in bytes. @default 33554432 (32 MiB, as Anthropic) */
  bodyLimitBytes?: number;
  /** Figures for `/status` (lanes, queue depths, budgets). @default the engine admission's, when it has `stats()` */
  limiter?: LimiterStatusSource;
  /** Stores that must answer for `/readyz` to say ready. @default none */
  readiness?: readonly ReadinessCheck[];
  /** For the shutdown grace period and the client keys' own rate limits. @default systemClock */
  clock?: Clock;
  /** How long a client is asked to wait before retrying a request refused while draining. @default 1000 */
  drainRetryAfterMs?: number;
  /**
   * The longest a request's headers may take to arrive, from its first byte; a slower client
   * (slowloris) gets a 408 and its connection closed. @default 15000
   */
  headersTimeoutMs?: number;
  /**
   * The longest a whole request — headers and body — may take to arrive; a body still coming
   * after it (a `content-length` never met, a chunked body never ended) gets a 408 in the
   * caller's dialect and its connection closed. At least `headersTimeoutMs`. @default 60000
   */
  requestTimeoutMs?: number;
  /** How long an idle keep-alive connection is kept open between requests. @default 72000 */
  keepAliveTimeoutMs?: number;
  /**
   * How often the two bounds above are checked (Node's `connectionsCheckingInterval`): a bound
   * fires up to this much after it is due. @default 1000
   */
  timeoutCheckIntervalMs?: number;
  /** The admin key's sha256, hex. @default the config's `telemetry.adminKey` (or BREAKWATER_ADMIN_KEY) */
  adminKeyHash?: string;
  /** The metrics registry, the webhooks' fetch and clock. @default a new Registry, fetch, the system clock */
  instrument?: Pick<InstrumentOptions, 'registry' | 'fetch' | 'clock'>;
}

export interface GatewayControl {
  readonly engine: Engine;
  /** Its metrics registry, live figures and webhooks. */
  readonly telemetry: Telemetry;
  /** Client keys configured: 0 means open, to be bound to loopback only. */
  readonly clientKeys: number;
  inFlight(): number;
  /** Stops taking requests, lets those in flight finish within `graceMs`, then closes. */
  drain(graceMs: number): Promise<DrainResult>;
  /**
   * Ends every request in flight now (streams with an error event in their dialect, waiting
   * calls with a 503), then closes their connections; how many there were. For a second signal
   * during a drain; what it cut counts in the drain's result.
   */
  cut(): number;
}

declare module 'fastify' {
  interface FastifyRequest {
    bw: Exchange;
  }
  interface FastifyInstance {
    breakwater: GatewayControl;
  }
}

const DEFAULT_BODY_LIMIT_BYTES = 32 * 1024 * 1024;

/** The paths served, with the methods they take: any other method on them is a 405. */
const ALLOWED_METHODS: ReadonlyMap<string, string> = new Map([
  ['/v1/chat/completions', 'POST'],
  ['/v1/messages', 'POST'],
  ['/v1/messages/count_tokens', 'POST'],
  ['/v1/models', 'GET, HEAD'],
  ['/healthz', 'GET, HEAD'],
  ['/readyz', 'GET, HEAD'],
  ['/status', 'GET, HEAD'],
]);

/**
 * The server's own bounds on a client, in milliseconds (docs/gateway.md says why each). The
 * answer's lifetime is not among them: the engine's deadline and the stream bounds hold that.
 */
export const SERVER_TIMEOUT_DEFAULTS = Object.freeze({
  headersTimeoutMs: 15_000,
  requestTimeoutMs: 60_000,
  // Longer than the 60 s idle timeout of common load balancers, so they close first (Fastify's).
  keepAliveTimeoutMs: 72_000,
  timeoutCheckIntervalMs: 1_000,
});

function requestIds(): () => string {
  const prefix = `req_${randomBytes(6).toString('hex')}`;
  let n = 0;
  return () => `${prefix}${(n++).toString(36).padStart(6, '0')}`;
}

function serverTimeouts(
  options: GatewayOptions,
): Record<keyof typeof SERVER_TIMEOUT_DEFAULTS, number> {
  const d = SERVER_TIMEOUT_DEFAULTS;
  const out = {
    headersTimeoutMs: positiveInteger(
      options.headersTimeoutMs,
      'headersTimeoutMs',
      d.headersTimeoutMs,
    ),
    requestTimeoutMs: positiveInteger(
      options.requestTimeoutMs,
      'requestTimeoutMs',
      d.requestTimeoutMs,
    ),
    keepAliveTimeoutMs: positiveInteger(
      options.keepAliveTimeoutMs,
      'keepAliveTimeoutMs',
      d.keepAliveTimeoutMs,
    ),
    timeoutCheckIntervalMs: positiveInteger(
      options.timeoutCheckIntervalMs,
      'timeoutCheckIntervalMs',
      d.timeoutCheckIntervalMs,
    ),
  };
  if (out.headersTimeoutMs > out.requestTimeoutMs) {
    throw new TypeError(
      `Expected \`headersTimeoutMs\` (${out.headersTimeoutMs}) to be at most \`requestTimeoutMs\` (${out.requestTimeoutMs}): the request includes its headers`,
    );
  }
  return out;
}

function positiveInteger(value: number | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new TypeError(`Expected \`${name}\` to be a positive integer, got ${value}`);
  }
  return value;
}

/** The config with the keys' own budgets as their tenants' (see `mergeClientKeyBudgets`). */
function withKeyBudgets(options: GatewayOptions, keyring: ClientKeyring): ResolvedConfig {
  const { config } = options;
  const budgets = mergeClientKeyBudgets(config.budgets, keyring.identities());
  if (budgets === config.budgets) return config;
  if (options.engine !== undefined) {
    throw new TypeError(
      'client keys with a `budget` need the gateway to create its engine: leave out `engine`, or put the budgets in the engine’s config (`budgets.tenants`)',
    );
  }
  return { ...config, budgets };
}

/**
 * The logger as Fastify is given it: `child()` answers the logger itself, so `request.log` is the
 * one logger and a request costs no child (the request line carries its own `requestId`). Not a
 * `childLoggerFactory`: Fastify checks what a factory of ours returns for every request, seven
 * method lookups and an array, which showed in profiles under load. Like pino's
 * own children, it inherits everything else from the logger.
 */
function withoutChildren(logger: Logger): FastifyBaseLogger {
  const shared = Object.create(logger) as FastifyBaseLogger;
  Object.defineProperty(shared, 'child', { value: () => shared });
  return shared;
}

/** A fleet's store: ready while it answers, still ready (degraded) while each gateway serves its share. */
function storeChecks(engine: Engine): ReadinessCheck[] {
  const fleet = engine.store.fleet;
  if (!fleet) return [];
  return [
    {
      name: engine.store.kind,
      check: () => {
        const outage = fleet.health.outage;
        if (!outage) return true;
        const since = new Date(outage.since).toISOString();
        return {
          degraded: `unreachable since ${since} (${outage.reason}); serving this gateway's share (1/${fleet.fleetSize()}) of every limit and budget`,
        };
      },
    },
  ];
}

export function buildGateway(options: GatewayOptions): FastifyInstance {
  const bodyLimit = positiveInteger(
    options.bodyLimitBytes,
    'bodyLimitBytes',
    DEFAULT_BODY_LIMIT_BYTES,
  );
  const retryAfterMs = positiveInteger(options.drainRetryAfterMs, 'drainRetryAfterMs', 1_000);
  const timeouts = serverTimeouts(options);
  const keyring =
    options.clientKeys instanceof ClientKeyring
      ? options.clientKeys
      : new ClientKeyring(options.clientKeys ?? []);
  const config = withKeyBudgets(options, keyring);
  const clock = options.clock ?? systemClock;
  const ownsEngine = options.engine === undefined;
  const engine = options.engine ?? new Engine(config, options.engineOptions);
  const admission = engine.admission as Partial<LimiterStatusSource & Pick<Limiter, 'onEvent'>>;
  const limiter =
    options.limiter ??
    (typeof admission.stats === 'function' ? (admission as LimiterStatusSource) : undefined);
  const checks = [...(options.readiness ?? []), ...storeChecks(engine)];
  const logger = options.logger ?? loggerFor(config.telemetry);
  const telemetry = new Telemetry(engine, {
    config,
    logger,
    processMetrics: config.telemetry.metrics.processMetrics,
    // The status page's rates are metrics too: off with them.
    live: config.telemetry.metrics.enabled
      ? { tenants: keyring.identities().map((identity) => identity.id) }
      : undefined,
    limiterStats: limiter ? () => limiter.stats() : undefined,
    ...options.instrument,
  });
  const admin = new AdminKey(options.adminKeyHash ?? config.telemetry.adminKeyHash);
  const inFlight = new InFlight();
  const startedAt = Date.now();
  const now = () => performance.now();

  const requestId = requestIds();
  const clientErrors = { logger, requestId, ...timeouts };
  const app = Fastify({
    http: {
      headersTimeout: timeouts.headersTimeoutMs,
      requestTimeout: timeouts.requestTimeoutMs,
      connectionsCheckingInterval: timeouts.timeoutCheckIntervalMs,
      // Checked by the gateway, to answer a missing Host in the path's dialect, not empty.
      requireHostHeader: false,
    },
    requestTimeout: timeouts.requestTimeoutMs,
    keepAliveTimeout: timeouts.keepAliveTimeoutMs,
    clientErrorHandler: clientErrorHandler(clientErrors),
    loggerInstance: withoutChildren(logger),
    // The gateway writes its own line per request.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit,
    genReqId: requestId,
    requestIdHeader: false,
    return503OnClosing: false,
    // A URL the router cannot decode is the client's mistake too: same handler, same dialects.
    frameworkErrors: handleError,
    routerOptions: { ignoreTrailingSlash: true },
  });

  app.decorateRequest('bw', null as unknown as Exchange);
  app.decorate('breakwater', {
    engine,
    telemetry,
    clientKeys: keyring.size,
    inFlight: () => inFlight.count,
    drain: (graceMs: number) => drain(app, inFlight, graceMs, clock, retryAfterMs),
    cut: () => cutNow(app, inFlight, retryAfterMs),
  } satisfies GatewayControl);

  app.server.on('checkExpectation', expectationHandler(clientErrors));
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', jsonBodyParser(app, bodyLimit));
  app.setErrorHandler(handleError);
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0]!;
    const allow = ALLOWED_METHODS.get(path.length > 1 ? path.replace(/\/+$/, '') : path);
    if (allow === undefined) throw pathNotFound(request.method, path);
    reply.header('allow', allow);
    throw methodNotAllowed(request.method, path, allow);
  });

  const lifecycle = requestLifecycle({ inFlight, keyring, retryAfterMs, now, engine, admin });
  app.addHook('onRequest', lifecycle.onRequest);
  app.addHook('onSend', lifecycle.onSend);

  const quota = new TenantQuota(keyring.identities(), clock);
  const completion = {
    engine,
    now,
    quota,
    cost: telemetry.cost,
    contentChars: config.telemetry.logs.content.enabled
      ? config.telemetry.logs.content.maxChars
      : 0,
  };
  app.post('/v1/chat/completions', completionHandler(completion, 'openai'));
  app.post('/v1/messages', completionHandler(completion, 'anthropic'));
  app.post('/v1/messages/count_tokens', countTokensHandler(config));
  app.get('/v1/models', async (request) =>
    modelList(config, request.bw.identity, new Date(startedAt)),
  );
  const health = { config, engine, limiter, checks, inFlight, startedAt, quota };
  registerHealthRoutes(app, health);
  registerObservabilityRoutes(app, { ...health, telemetry, admin, budgets: config.budgets });

  app.addHook('onClose', async () => telemetry.close());
  if (ownsEngine) app.addHook('onClose', async () => engine.close());
  return app;
}
