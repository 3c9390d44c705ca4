/**
 * The engine: one request's way through breakwater. It reads as the stack it is:
 *
 *   route → (cache, when `always` and the request is deterministic)
 *         → for each tier, each target: breaker → retry( attempt ) → answer
 *         → context-window fallback
 *         → panic mode: targets their breaker turned away, tried past it (panic.ts)
 *         → cached answer (stale allowed) → static message → error
 *
 * A target is tried in try-target.ts, one attempt made in attempt.ts (for a stream, up to its
 * commit point), and the answer shaped in deliver.ts. One deadline, set before the first
 * attempt, bounds every attempt and wait; one AbortSignal (the caller's) cancels all of it. The
 * final error carries every attempt made.
 */

import { applyMaxTokensPolicy, defaultMaxTokensOf } from '../budget/max-tokens-policy.ts';
import { resolveRoute, resolveTarget } from '../config/config-resolve.ts';
import type { ResolvedConfig, ResolvedTarget } from '../config/config-types.ts';
import { limiterOptionsFrom } from '../config/limits-budgets.ts';
import { maxTokensPolicyFor } from '../config/limits-config.ts';
import type { SummaryCaller } from '../context/compress-history.ts';
import { type Clock, systemClock } from '../core/clock.ts';
import { Deadline } from '../core/deadline.ts';
import { EventEmitter } from '../core/events.ts';
import { failure } from '../core/outcome.ts';
import type { DialectName } from '../dialects/dialect-name.ts';
import {
  AbortedError,
  type AttemptRecord,
  type BreakwaterError,
  describeAttempts,
  RejectedError,
} from '../errors/index.ts';
import type { Admission } from '../limiter/admission.ts';
import { createLimiter } from '../limiter/limiter.ts';
import { contextFit } from '../preflight/context-fit.ts';
import type { RequestIssue } from '../preflight/request-issue.ts';
import { checkForRoute } from '../preflight/route-rules.ts';
import { MemoryIdempotencyStore } from '../store/memory-idempotency-store.ts';
import { createMemoryStore } from '../store/memory-store.ts';
import { createRedisStore } from '../store/redis/redis-store.ts';
import type { Store } from '../store/store.ts';
import { ModelCatalog } from '../tokens/model-catalog.ts';
import { createUpstreamPool } from '../upstream/upstream-pool.ts';
import { AnswerCache } from './answer-cache.ts';
import { createBridges, DIALECTS } from './bridge.ts';
import { Coalescer } from './coalesce.ts';
import { planContext } from './context-policy.ts';
import { deliver, fromCache, staticAnswer } from './deliver.ts';
import type { AttemptStart, CallInfo } from './engine-events.ts';
import type {
  CallOptions,
  EngineAnswer,
  EngineCounters,
  EngineEvent,
  EngineOptions,
} from './engine-types.ts';
import { FleetBreakers } from './fleet-breakers.ts';
import { Idempotency } from './idempotency.ts';
import { checkModelName } from './model-name.ts';
import {
  answerEnded,
  attemptEnded,
  breakerMoved,
  cacheServed,
  callEnded,
  callStarted,
  fallbackTaken,
  hedgeStarted,
  staticServed,
} from './observe.ts';
import { type Ejected, panic } from './panic.ts';
import { checkRequest } from './request-check.ts';
import { RetryPolicies } from './retry-policies.ts';
import type { Run } from './run.ts';
import { skipped } from './run.ts';
import { TargetRegistry, type TargetState } from './target-state.ts';
import { TierWalk } from './tier-walk.ts';
import { type TargetDeps, type TargetResult, tryTarget } from './try-target.ts';
import { unknownRoute } from './unknown-route.ts';

export type {
  AnswerMeta,
  CallOptions,
  EngineAnswer,
  EngineCounters,
  EngineEvent,
  EngineOptions,
} from './engine-types.ts';

export class Engine {
  readonly config: ResolvedConfig;
  readonly #clock: Clock;
  readonly #pool: NonNullable<EngineOptions['pool']>;
  readonly #targets: TargetRegistry;
  readonly #cache: AnswerCache;
  readonly #admission: Admission;
  readonly #store: Store;
  readonly #ownsStore: boolean;
  /** What trying a target and making an attempt work with. */
  readonly #deps: TargetDeps;
  readonly #idempotency: Idempotency;
  readonly #coalescer: Coalescer;
  readonly #counters: EngineCounters = {
    idempotentReplays: 0,
    coalesced: 0,
    hedges: 0,
    hedgesWon: 0,
  };
  readonly #events = new EventEmitter<EngineEvent>();
  readonly #catalog: ModelCatalog;
  /** Summaries for `onContextOverflow: summarize`, through this engine; never summarised again. */
  readonly #summaries: SummaryCaller = {
    call: (dialect, body, options) =>
      this.call(dialect, body, { ...options, onContextOverflow: 'slide' }),
  };
  readonly #warnings = new Map<string, number>();
  /** Every attempt and breaker transition, for telemetry and tests. */
  readonly onEvent = this.#events.event;

  constructor(config: ResolvedConfig, options: EngineOptions = {}) {
    this.config = config;
    this.#clock = options.clock ?? systemClock;
    this.#pool =
      options.pool ??
      createUpstreamPool({ origins: [...config.providers.values()].map((p) => p.baseUrl) });
    const bridge = createBridges();
    this.#ownsStore = options.store === undefined;
    this.#store = options.store ?? storeFor(config, this.#clock);
    this.#store.fleet?.health.onChange((change) => this.#events.emit({ type: 'store', change }));
    this.#admission =
      options.admission ??
      createLimiter({
        ...limiterOptionsFrom(config),
        clock: this.#clock,
        fleet: this.#store.fleet,
      });
    // In memory the answer cache makes its own store, and only when a route caches.
    const shared = this.#store.kind === 'memory' ? undefined : this.#store.cache;
    this.#cache = new AnswerCache(config, this.#clock, options.cacheStore ?? shared);
    this.#catalog = new ModelCatalog(config.catalog);
    this.#idempotency = new Idempotency({
      store:
        options.idempotencyStore ??
        (this.#store.kind === 'memory'
          ? new MemoryIdempotencyStore({
              maxBytes: config.idempotency.maxBytes,
              clock: this.#clock,
            })
          : this.#store.idempotency),
      clock: this.#clock,
      ttlMs: config.idempotency.ttlMs,
    });
    this.#coalescer = new Coalescer(this.#clock, (run, callers) => {
      this.#counters.coalesced += callers - 1;
      if (this.#events.hasListeners)
        this.#events.emit({ type: 'coalesced', route: run.route.name, callers });
    });
    const fleet = this.#store.fleet;
    const fleetBreakers =
      fleet &&
      new FleetBreakers(fleet.breakers, fleet.member, this.#clock, (id) => {
        const target = resolveTarget(config, id);
        return target && this.#targets.get(target, config.policy);
      });
    this.#targets = new TargetRegistry(this.#clock, {
      named: namedTargets(config),
      onCreate: (state) => {
        state.breaker.onStateChange((transition) => {
          this.#events.emit({ type: 'breaker', target: state.target.id, transition });
          breakerMoved(this, state.target.id, transition);
        });
        fleetBreakers?.watch(state);
      },
    });
    this.#deps = {
      clock: this.#clock,
      pool: this.#pool,
      admission: this.#admission,
      targets: this.#targets,
      fleetBreakers,
      record: (run, record, error, start, firstByteMs) =>
        this.#record(run, record, error, start, firstByteMs),
      bridge,
      retries: new RetryPolicies(options.random ?? Math.random, this.#clock),
      onHedge: (run, from, to) => {
        this.#counters.hedges++;
        if (this.#events.hasListeners)
          this.#events.emit({ type: 'hedge', route: run.route.name, from, to });
        hedgeStarted(run, from, to);
      },
      onHedgeWon: () => {
        this.#counters.hedgesWon++;
      },
    };
  }

  /** What says yes before each attempt: the limiter, unless the options gave another. */
  get admission(): Admission {
    return this.#admission;
  }

  /** Running totals: answers replayed under an Idempotency-Key, calls that shared another's. */
  counters(): Readonly<EngineCounters> {
    return { ...this.#counters };
  }

  /** Every target whose state is kept, with its breaker: those routes name first. */
  targets(): IterableIterator<TargetState> {
    return this.#targets.all();
  }

  /** How many targets no route names have state kept (at most `MAX_UNNAMED_TARGETS`). */
  get unnamedTargets(): number {
    return this.#targets.unnamedCount;
  }

  /** Where shared state lives: memory, or a fleet's Redis. */
  get store(): Store {
    return this.#store;
  }

  /** Resolves once the store is connected, or found unreachable (then serving degraded). */
  ready(): Promise<void> {
    return this.#store.ready();
  }

  async close(): Promise<void> {
    await this.#pool.close();
    if (this.#ownsStore) await this.#store.close();
  }

  /** One call in `dialect`. Resolves with the answer, rejects with a `BreakwaterError`. */
  call(dialect: DialectName, body: unknown, options: CallOptions = {}): Promise<EngineAnswer> {
    let call: CallInfo | undefined;
    try {
      call = callStarted(this, dialect, body, options, this.#clock.now());
    } catch (err) {
      return Promise.reject(err);
    }
    // Not async: no promise around #call's own.
    return this.#call(dialect, body, options, call);
  }

  async #call(
    dialect: DialectName,
    body: unknown,
    options: CallOptions,
    call: CallInfo | undefined,
  ): Promise<EngineAnswer> {
    // Observed here rather than in a wrapper: another async layer cost every observed call.
    try {
      const { request: checked, warnings } = checkRequest(dialect, body, options.preflight);
      const routeName = options.route ?? checked.model;
      checkModelName(routeName, options.route === undefined ? 'model' : 'route');
      const route = resolveRoute(this.config, routeName);
      if (!route) throw unknownRoute(this.config, routeName);
      if (warnings.length > 0) this.#warn(route.name, warnings);
      // The route's max_tokens cap (clamp or reject) and default apply once, for every tier.
      const limit = maxTokensPolicyFor(this.config.limits, route.name);
      const capped = applyMaxTokensPolicy(dialect, checked, limit);
      if (!capped.ok) throw capped.error;
      let request = capped.request;
      // What the route's targets make of it: output limits, reasoning models, context windows.
      checkForRoute({ dialect, request, route, catalog: this.#catalog });
      const fit = contextFit(dialect, request, route, this.#catalog);
      let skip: ReadonlySet<ResolvedTarget> | undefined;
      if (fit) {
        const mode = options.onContextOverflow ?? route.onContextOverflow;
        const plan = await planContext(
          {
            dialect,
            request,
            route,
            catalog: this.#catalog,
            mode,
            engine: this.#summaries,
            signal: options.signal,
          },
          fit,
        );
        request = plan.request;
        skip = plan.skip;
      }
      const policy = route.policy;
      const deadline = Deadline.after(
        options.deadlineMs ?? policy.timeouts.deadlineMs,
        this.#clock,
        { model: route.name },
      );
      const run: Run = {
        request,
        dialect,
        route,
        stream: DIALECTS[dialect].isStream(request),
        defaultMaxTokens: defaultMaxTokensOf(limit),
        deadline,
        options,
        trail: [],
        cacheKey: this.#cache.key(dialect, request, route, options),
        call,
        skip,
      };
      let streaming = false;
      try {
        const answer = await this.#answer(run);
        streaming = answer.kind === 'stream' && answer.meta.target !== undefined;
        if (call) answerEnded(call, answer, this.#clock);
        return answer;
      } finally {
        // A committed stream outlives the call; past the commit point only the idle timer guards it.
        if (!streaming) deadline.dispose();
      }
    } catch (err) {
      if (call) callEnded(call, this.#clock.now(), { error: err as BreakwaterError });
      throw err;
    }
  }

  /** In front of the run: an Idempotency-Key's stored answer, then a coalesced call. */
  #answer(run: Run): Promise<EngineAnswer> {
    const key = run.options.idempotencyKey;
    // Not async: a call without a key pays no extra promise.
    if (key === undefined) return this.#shared(run);
    return this.#idempotency
      .answer(run, key, () => this.#shared(run))
      .then((answer) => {
        if (answer.meta.cache === 'idempotent-replay') this.#counters.idempotentReplays++;
        return answer;
      });
  }

  #shared(run: Run): Promise<EngineAnswer> {
    if (!run.route.coalesce || run.stream) return this.#run(run);
    return this.#coalescer.answer(run, (shared) => this.#run(shared));
  }

  async #run(run: Run): Promise<EngineAnswer> {
    const { route } = run;
    // Without a cache key (the route does not cache) there is nothing to look up, nor to await.
    const early =
      run.cacheKey === undefined
        ? undefined
        : await this.#cache.serve(run.dialect, run.request, route, run.options, run.cacheKey);
    if (early) {
      cacheServed(run, early.stale ? 'stale' : 'hit', 'serve');
      return fromCache(run, early.answer, early.stale ? 'stale' : 'hit', 'none');
    }

    let last: BreakwaterError | undefined;
    let from = '';
    // Targets their breaker turned away: panic mode's last resort when nothing else delivers.
    let ejected: Ejected[] | undefined;
    const walk = new TierWalk(this.#deps, run);
    for (let next = walk.next(); ; next = walk.next()) {
      // Awaited only when the walk may wait (a target left for failover): most calls try one.
      const step = next instanceof Promise ? await next : next;
      if (!step) break;
      if (last && step.target.id !== from)
        fallbackTaken(run, from, step.target.id, last.code, 'tier');
      from = step.target.id;
      const tried = run.skip?.has(step.target)
        ? this.#tooSmall(run, step.target, step.tier)
        : await tryTarget(this.#deps, run, step.target, step.tier, {
            last: step.last,
            resumeAfter: step.resumeAfter,
            place: walk,
          });
      if (tried.outcome.ok) return deliver(run, tried.outcome.value, this.#cache);
      last = tried.outcome.error;
      if (tried.ejected) {
        ejected ??= [];
        ejected.push({ target: step.target, tier: step.tier });
      }
      if (tried.resumeInMs !== undefined) {
        walk.leave(step, tried.attempts, tried.resumeInMs);
        continue;
      }
      if (last.code === 'context_overflow' && route.contextFallback) {
        fallbackTaken(run, from, route.contextFallback.id, last.code, 'context');
        from = route.contextFallback.id;
        const wider = await tryTarget(this.#deps, run, route.contextFallback, -1, { last: true });
        if (wider.outcome.ok) return deliver(run, wider.outcome.value, this.#cache);
        last = wider.outcome.error;
      }
      if (!canFallBack(last)) break;
    }
    if (ejected !== undefined && last !== undefined && canFallBack(last)) {
      fallbackTaken(run, from, 'panic', last.code, 'panic');
      const panicked = await panic(this.#deps, run, ejected);
      if (panicked.ok) return deliver(run, panicked.value, this.#cache, 'panic');
      last = panicked.error;
    }
    if (run.options.signal?.aborted)
      throw this.#final(run, new AbortedError(run.options.signal.reason));
    const error = last ?? new RejectedError('validation', `route ${route.name} has no targets`);
    if (error.code !== 'aborted' && (error.fallbackable || error.code === 'deadline_exceeded')) {
      const stored = await this.#cache.fallback(run.dialect, route, run.options, run.cacheKey);
      if (stored) {
        fallbackTaken(run, from, 'cache', error.code, 'cache');
        cacheServed(run, stored.stale ? 'stale' : 'hit', 'fallback');
        return fromCache(run, stored.answer, stored.stale ? 'stale' : 'hit', 'cache');
      }
      if (route.staticMessage !== undefined) {
        fallbackTaken(run, from, 'static', error.code, 'static');
        staticServed(run, error.code);
        return staticAnswer(run, route.staticMessage, this.#clock);
      }
    }
    throw this.#final(run, error);
  }

  /** How many requests broke each warning rule (`anthropic.consecutive_roles`, …), since start. */
  warningCounts(): Readonly<Record<string, number>> {
    return Object.fromEntries(this.#warnings);
  }

  #warn(route: string, warnings: readonly RequestIssue[]): void {
    for (const warning of warnings) {
      this.#warnings.set(warning.rule, (this.#warnings.get(warning.rule) ?? 0) + 1);
    }
    if (this.#events.hasListeners) this.#events.emit({ type: 'warning', route, warnings });
  }

  /** A target whose context window the prompt does not fit: skipped, nothing sent. */
  #tooSmall(run: Run, target: ResolvedTarget, tier: number): TargetResult {
    this.#record(run, skipped(target.id, tier, 'context_overflow'));
    const outcome = failure(
      new RejectedError(
        'context_overflow',
        `the prompt does not fit the context window of ${target.id}`,
        {
          param: 'messages',
          fallbackable: true,
        },
      ),
    );
    return { outcome, attempts: 0 };
  }

  #record(
    run: Run,
    record: AttemptRecord,
    error?: BreakwaterError,
    start?: AttemptStart,
    firstByteMs?: number,
  ): void {
    run.trail.push(record);
    if (this.#events.hasListeners)
      this.#events.emit({ type: 'attempt', route: run.route.name, record });
    attemptEnded(run, record, start, error, firstByteMs);
  }

  #final(run: Run, error: BreakwaterError): BreakwaterError {
    error.attempts = run.trail;
    if (run.trail.length > 1)
      error.message = `${error.message}; tried: ${describeAttempts(run.trail)}`;
    return error;
  }
}

function storeFor(config: ResolvedConfig, clock: Clock): Store {
  const store = config.store;
  if (store.kind === 'memory')
    return createMemoryStore({ cacheMaxBytes: config.cacheMaxBytes, clock });
  const { url, keyPrefix, fleetSize, timeoutMs } = store;
  return createRedisStore({ url, keyPrefix, fleetSize, timeoutMs, clock });
}

function canFallBack(error: BreakwaterError): boolean {
  return error.fallbackable && error.code !== 'aborted';
}

/** The targets the config's routes name (tiers and context fallbacks). */
function namedTargets(config: ResolvedConfig): Set<string> {
  const ids = new Set<string>();
  for (const route of config.routes.values()) {
    for (const tier of route.tiers) for (const target of tier) ids.add(target.id);
    if (route.contextFallback) ids.add(route.contextFallback.id);
  }
  return ids;
}
