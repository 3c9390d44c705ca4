/**
 * The engine: one request's way through breakwater. It reads as the stack it is:
 *
 *   route → (cache, when `always` and the request is deterministic)
 *         → for each tier, each target: breaker → retry( attempt ) → answer
 *         → context-window fallback → cached answer (stale allowed) → static message → error
 *
 * An attempt is one upstream call; for a stream it lasts until the first content event (the
 * commit point), so every failure before the caller sees a byte is retried or falls back unseen.
 * One deadline, set before the first attempt, bounds every attempt and wait; one AbortSignal
 * (the caller's) cancels all of it. The final error carries every attempt made.
 */

import { createHash } from 'node:crypto';
import { applyMaxTokensPolicy } from '../budget/max-tokens-policy.ts';
import { resolveRoute } from '../client/config-resolve.ts';
import type {
  ResolvedConfig,
  ResolvedPolicy,
  ResolvedRoute,
  ResolvedTarget,
} from '../client/config-types.ts';
import { limiterOptionsFrom } from '../client/limits-budgets.ts';
import { maxTokensPolicyFor } from '../client/limits-config.ts';
import { type Clock, systemClock } from '../core/clock.ts';
import { Deadline } from '../core/deadline.ts';
import { EventEmitter } from '../core/events.ts';
import { failure, type Outcome, success } from '../core/outcome.ts';
import type { DialectName } from '../dialects/dialect-name.ts';
import type { HeadersLike } from '../dialects/headers.ts';
import {
  AbortedError,
  type AttemptRecord,
  BreakwaterError,
  classifyNetworkError,
  describeAttempts,
  RefusalError,
  RejectedError,
} from '../errors/index.ts';
import { createLimiter } from '../limiter/limiter.ts';
import { FullJitterBackoff } from '../policy/backoff.ts';
import type { BreakerTransition } from '../policy/breaker.ts';
import { RetryPolicy } from '../policy/retry.ts';
import type { CacheStore } from '../store/store.ts';
import { callUpstream } from '../upstream/call-upstream.ts';
import { firstByteTimeoutFor } from '../upstream/first-byte-timeout.ts';
import { createUpstreamPool, type UpstreamPool } from '../upstream/upstream-pool.ts';
import type { Admission, Lease, Priority } from './admission.ts';
import { AnswerCache } from './answer-cache.ts';
import { type Bridge, createBridges, DIALECTS } from './bridge.ts';
import { callerStream, type StreamEnd } from './caller-stream.ts';
import { checkRequest, type WireRequest } from './request-check.ts';
import { type OpenedStream, openStream } from './stream-commit.ts';
import { TargetRegistry, type TargetState } from './target-state.ts';

export interface EngineOptions {
  clock?: Clock;
  /** For backoff jitter. @default Math.random */
  random?: () => number;
  /** The upstream connection pools. @default one keep-alive pool over the configured origins */
  pool?: UpstreamPool;
  /** Where cached answers live. @default an in-memory store bounded by `cache.maxBytes` */
  cacheStore?: CacheStore;
  /** `max_tokens` for an Anthropic target when an OpenAI caller set none. @default 4096 */
  defaultMaxTokens?: number;
  /**
   * What must say yes before an attempt leaves. @default the limiter built from the config's
   * `limits`, `budgets` and `catalog` (with no rules it still learns from rate-limit headers)
   */
  admission?: Admission;
}

export interface CallOptions {
  /** The route or `provider/model` to use instead of the body's `model`. */
  route?: string;
  /** The whole call's time budget, in milliseconds. @default the route's `timeouts.deadlineMs` */
  deadlineMs?: number;
  /** Cancels everything at once: queue waits, backoff sleeps, upstream calls, streams. */
  signal?: AbortSignal;
  /** The caller's headers; a few (anthropic-version, anthropic-beta, OpenAI-Organization) pass on. */
  headers?: HeadersLike;
  /** The gateway client this call belongs to: cache namespace, budgets and limits. */
  tenant?: string;
  /** Place in the limiter's queue. @default 'normal' */
  priority?: Priority;
  /** Do not serve from the cache. */
  noCache?: boolean;
  /** Do not store the answer. */
  noStore?: boolean;
  /** The caller already ran the preflight shape checks (the gateway does, before routing). */
  shapeChecked?: boolean;
}

export type Fallback = 'none' | 'tier' | 'context' | 'cache' | 'static';

/** What happened, for response headers and logs. */
export interface AnswerMeta {
  route: string;
  /** The target that answered; absent for a cached or static answer. */
  target?: string;
  /** Upstream attempts made (skipped targets not counted). */
  attempts: number;
  cache: 'hit' | 'stale' | 'miss' | 'off';
  fallback: Fallback;
  trail: readonly AttemptRecord[];
}

export type EngineAnswer =
  | { kind: 'json'; body: unknown; meta: AnswerMeta }
  | {
      kind: 'stream';
      body: AsyncIterable<Uint8Array>;
      meta: AnswerMeta;
      /** Settles when the stream is over: complete, failed after its commit point, or abandoned. */
      ended: Promise<StreamEnd>;
    };

export type EngineEvent =
  | { type: 'attempt'; route: string; record: AttemptRecord }
  | { type: 'breaker'; target: string; transition: BreakerTransition };

interface Delivered {
  target: ResolvedTarget;
  bridge: Bridge;
  lease: Lease;
  headers: Record<string, string | string[] | number | undefined>;
  json?: unknown;
  opened?: OpenedStream<unknown>;
}

interface Run {
  request: WireRequest;
  dialect: DialectName;
  route: ResolvedRoute;
  stream: boolean;
  deadline: Deadline;
  options: CallOptions;
  trail: AttemptRecord[];
  cacheKey: string | undefined;
}

export class Engine {
  readonly config: ResolvedConfig;
  readonly #clock: Clock;
  readonly #random: () => number;
  readonly #pool: UpstreamPool;
  readonly #targets: TargetRegistry;
  readonly #bridge: ReturnType<typeof createBridges>;
  readonly #cache: AnswerCache;
  readonly #retries = new Map<string, RetryPolicy>();
  readonly #admission: Admission;
  readonly #events = new EventEmitter<EngineEvent>();
  /** Every attempt and breaker transition, for telemetry and tests. */
  readonly onEvent = this.#events.event;

  constructor(config: ResolvedConfig, options: EngineOptions = {}) {
    this.config = config;
    this.#clock = options.clock ?? systemClock;
    this.#random = options.random ?? Math.random;
    this.#pool =
      options.pool ??
      createUpstreamPool({ origins: [...config.providers.values()].map((p) => p.baseUrl) });
    this.#bridge = createBridges({
      defaultMaxTokens:
        options.defaultMaxTokens ?? maxTokensPolicyFor(config.limits, '*').defaultMaxTokens,
    });
    this.#admission =
      options.admission ?? createLimiter({ ...limiterOptionsFrom(config), clock: this.#clock });
    this.#cache = new AnswerCache(config, this.#clock, options.cacheStore);
    this.#targets = new TargetRegistry(this.#clock, (state) => {
      state.breaker.onStateChange((transition) =>
        this.#events.emit({ type: 'breaker', target: state.target.id, transition }),
      );
    });
  }

  /** What says yes before each attempt: the limiter, unless the options gave another. */
  get admission(): Admission {
    return this.#admission;
  }

  /** Every target reached so far, with its breaker. */
  targets(): IterableIterator<TargetState> {
    return this.#targets.all();
  }

  async close(): Promise<void> {
    await this.#pool.close();
  }

  /** One call in `dialect`. Resolves with the answer, rejects with a `BreakwaterError`. */
  async call(
    dialect: DialectName,
    body: unknown,
    options: CallOptions = {},
  ): Promise<EngineAnswer> {
    const checked = checkRequest(dialect, body, options.shapeChecked);
    const routeName = options.route ?? checked.model;
    const route = resolveRoute(this.config, routeName);
    if (!route) throw this.#unknownRoute(routeName);
    // The route's max_tokens cap (clamp or reject) applies once, for every tier.
    const capped = applyMaxTokensPolicy(
      dialect,
      checked,
      maxTokensPolicyFor(this.config.limits, route.name),
    );
    if (!capped.ok) throw capped.error;
    const request = capped.request;
    const policy = route.policy;
    const deadline = Deadline.after(options.deadlineMs ?? policy.timeouts.deadlineMs, this.#clock, {
      model: route.name,
    });
    const run: Run = {
      request,
      dialect,
      route,
      stream: DIALECTS[dialect].isStream(request),
      deadline,
      options,
      trail: [],
      cacheKey: this.#cache.key(dialect, request, route, options),
    };
    let streaming = false;
    try {
      const answer = await this.#run(run);
      streaming = answer.kind === 'stream' && answer.meta.target !== undefined;
      return answer;
    } finally {
      // A committed stream outlives the call; past the commit point only the idle timer guards it.
      if (!streaming) deadline.dispose();
    }
  }

  async #run(run: Run): Promise<EngineAnswer> {
    const { route } = run;
    const early = await this.#cache.serve(
      run.dialect,
      run.request,
      route,
      run.options,
      run.cacheKey,
    );
    if (early) return this.#fromCache(run, early.answer, early.stale ? 'stale' : 'hit', 'none');

    let last: BreakwaterError | undefined;
    tiers: for (let tier = 0; tier < route.tiers.length; tier++) {
      for (const target of route.tiers[tier]!) {
        const lastTarget = tier === route.tiers.length - 1 && target === route.tiers[tier]!.at(-1);
        const outcome = await this.#tryTarget(
          run,
          target,
          tier,
          lastTarget && !route.contextFallback,
        );
        if (outcome.ok) return this.#deliver(run, outcome.value, tier === 0 ? 'none' : 'tier');
        last = outcome.error;
        if (last.code === 'context_overflow' && route.contextFallback) {
          const wider = await this.#tryTarget(run, route.contextFallback, -1, true);
          if (wider.ok) return this.#deliver(run, wider.value, 'context');
          last = wider.error;
        }
        if (!canFallBack(last)) break tiers;
      }
    }
    if (run.options.signal?.aborted)
      throw this.#final(run, new AbortedError(run.options.signal.reason));
    const error = last ?? new RejectedError('validation', `route ${route.name} has no targets`);
    if (error.code !== 'aborted' && (error.fallbackable || error.code === 'deadline_exceeded')) {
      const stored = await this.#cache.fallback(run.dialect, route, run.options, run.cacheKey);
      if (stored)
        return this.#fromCache(run, stored.answer, stored.stale ? 'stale' : 'hit', 'cache');
      if (route.staticMessage !== undefined) return this.#static(run, route.staticMessage);
    }
    throw this.#final(run, error);
  }

  /** `last`: no target comes after this one, so its final attempt gets the full first-byte limit. */
  async #tryTarget(
    run: Run,
    target: ResolvedTarget,
    tier: number,
    last: boolean,
  ): Promise<Outcome<Delivered>> {
    const policy = run.route.policy;
    const state = this.#targets.get(target, policy);
    const bridge = this.#bridge(run.dialect, target.provider.dialect);
    let upstream: Record<string, unknown>;
    let body: string;
    try {
      upstream = bridge.request(run.request, target.model).request;
      body = JSON.stringify(upstream);
    } catch (err) {
      // This target cannot take the request as it is (e.g. n > 1 for a Claude model): try the next.
      const error = cannotTake(err, target);
      this.#record(run, {
        target: target.id,
        tier,
        result: 'skipped',
        code: error.code,
        latencyMs: 0,
      });
      return failure(error);
    }
    const retry = this.#retryPolicy(run.route, state);
    const result = await retry.execute(
      ({ attempt }) =>
        this.#attempt(
          run,
          state,
          bridge,
          upstream,
          body,
          tier,
          last && attempt === retry.maxAttempts - 1,
        ),
      {
        remainingMs: () => run.deadline.remainingMs(),
        signal: run.options.signal,
        // A failure that opened the breaker: the next attempt would be skipped, so move on now.
        canRetry: () => state.breaker.state === 'closed',
      },
    );
    return result.outcome;
  }

  async #attempt(
    run: Run,
    state: TargetState,
    bridge: Bridge,
    upstream: Record<string, unknown>,
    body: string,
    tier: number,
    final: boolean,
  ): Promise<Outcome<Delivered>> {
    const { target, breaker } = state;
    const admission = breaker.admit();
    if (!admission.allowed) {
      this.#record(run, {
        target: target.id,
        tier,
        result: 'skipped',
        code: 'circuit_open',
        latencyMs: 0,
      });
      const seconds = Math.ceil(admission.retryAfterMs / 1000);
      return failure(
        new RejectedError(
          'circuit_open',
          `circuit open for ${target.id}: it failed repeatedly; next probe in ${seconds} s`,
          {
            retryAfterMs: admission.retryAfterMs,
            provider: target.provider.name,
            model: target.model,
          },
        ),
      );
    }
    const keys = this.#targets.keys(target.provider);
    const ctx = { provider: target.provider.name, model: target.model };
    const timeouts = this.#timeouts(run, bridge, state, final);
    let key = await keys.current();
    let lease: Lease;
    try {
      lease = await this.#admission.acquire({
        target,
        route: run.route,
        dialect: bridge.target.name,
        request: upstream,
        priority: run.options.priority ?? 'normal',
        deadline: run.deadline,
        signal: run.options.signal,
        tenant: run.options.tenant,
        keyId: keyId(key),
      });
    } catch (err) {
      breaker.release(admission.probe);
      const error = classifyNetworkError(err);
      this.#record(run, {
        target: target.id,
        tier,
        result: 'skipped',
        code: error.code,
        latencyMs: 0,
      });
      return failure(error);
    }
    let rotated = false;
    for (;;) {
      const started = this.#clock.now();
      try {
        const res = await callUpstream({
          pool: this.#pool,
          origin: target.provider.baseUrl,
          path: bridge.target.path,
          headers: {
            ...target.provider.headers,
            ...bridge.target.upstreamHeaders(key, run.options.headers),
          },
          body,
          dialect: bridge.target.name,
          provider: target.provider.name,
          model: target.model,
          stream: run.stream,
          signal: run.options.signal,
          deadline: run.deadline,
          timeouts,
          clock: this.#clock,
        });
        (run.stream ? state.firstByte.stream : state.firstByte.whole).record(
          res.timings.firstByteMs,
        );
        const delivered: Delivered = { target, bridge, lease, headers: res.headers };
        if (run.stream) {
          const events = bridge.target.parseStream(res.body, ctx);
          delivered.opened = await openStream(events, (e) => bridge.target.isContent(e), ctx);
        } else {
          delivered.json = await res.json();
          lease.settle({
            usage: bridge.target.responseUsage(delivered.json),
            headers: res.headers,
          });
          const refusal =
            run.route.onRefusal === 'fallback' && bridge.target.refusal(delivered.json);
          if (refusal) {
            // A verdict on this answer, not on the target's health: no breaker count, no retry.
            breaker.release(admission.probe);
            this.#record(run, {
              target: target.id,
              tier,
              result: 'error',
              code: 'refusal',
              status: res.status,
              latencyMs: this.#clock.now() - started,
            });
            return failure(new RefusalError(refusal, { ...ctx, requestId: res.requestId }));
          }
        }
        breaker.success(admission.probe);
        this.#record(run, {
          target: target.id,
          tier,
          result: 'ok',
          status: res.status,
          latencyMs: this.#clock.now() - started,
        });
        return success(delivered);
      } catch (err) {
        const error = classifyNetworkError(err, ctx);
        this.#record(run, {
          target: target.id,
          tier,
          result: 'error',
          code: error.code,
          status: error.providerStatus,
          latencyMs: this.#clock.now() - started,
        });
        if (error.code === 'authentication' && !rotated) {
          // The key may have been rotated: ask the pool once for another, and try again at once.
          rotated = true;
          const next = await keys.rotate(key).catch(() => undefined);
          if (next !== undefined && next !== key) {
            key = next;
            continue;
          }
        }
        if (error.healthSignal) breaker.failure(admission.probe);
        else breaker.release(admission.probe);
        lease.settle({ error });
        return failure(error);
      }
    }
  }

  /**
   * The attempt's timers. A long non-streaming generation is not a hang — its first byte comes
   * only when it is done — so the static first-byte limit grows with max_tokens. Once the
   * target has answered enough, an attempt slower than 3 × its recent p99 is taken for a hang
   * (policy/latency-tracker.ts); the final attempt always gets the full static limit, so a slow
   * but valid answer still comes through.
   */
  #timeouts(run: Run, bridge: Bridge, state: TargetState, final: boolean) {
    const t = run.route.policy.timeouts;
    const ceiling = run.stream
      ? t.firstByteMs
      : Math.max(
          t.firstByteMs,
          firstByteTimeoutFor({ maxTokens: bridge.caller.maxTokens(run.request), stream: false }),
        );
    const tracker = run.stream ? state.firstByte.stream : state.firstByte.whole;
    const firstByteMs = final ? ceiling : tracker.timeoutMs(ceiling);
    return { connectMs: t.connectMs, firstByteMs, idleMs: t.idleMs };
  }

  #retryPolicy(route: ResolvedRoute, state: TargetState): RetryPolicy {
    const id = `${route.name}\u0000${state.target.id}`;
    let policy = this.#retries.get(id);
    if (!policy) {
      const r = route.policy.retry;
      policy = new RetryPolicy({
        maxAttempts: r.maxAttempts,
        backoff: new FullJitterBackoff({ baseMs: r.baseMs, capMs: r.capMs }),
        maxRetryDelayMs: r.maxRetryDelayMs,
        budget: state.budget,
        random: this.#random,
        clock: this.#clock,
      });
      this.#retries.set(id, policy);
    }
    return policy;
  }

  #deliver(run: Run, delivered: Delivered, fallback: Fallback): EngineAnswer {
    const { bridge, target } = delivered;
    const meta = this.#meta(run, fallback, run.cacheKey ? 'miss' : 'off', target.id);
    if (delivered.opened === undefined) {
      const body = bridge.response(delivered.json);
      void this.#cache.store(run.dialect, run.route, run.options, run.cacheKey, body);
      return { kind: 'json', body, meta };
    }
    const state = this.#targets.get(target, run.route.policy);
    const deadline = run.deadline;
    const caller = bridge.caller;
    const lease = delivered.lease;
    const { promise: ended, resolve: endWith } = Promise.withResolvers<StreamEnd>();
    const stream = callerStream({
      opened: delivered.opened,
      caller,
      usage: bridge.target.usageTracker(),
      translator: bridge.stream(run.request),
      dropUsageOnly: !bridge.translates && !caller.wantsStreamUsage(run.request),
      ctx: { provider: target.provider.name, model: target.model },
      onComplete: run.cacheKey
        ? (answer) =>
            void this.#cache.store(run.dialect, run.route, run.options, run.cacheKey, answer)
        : undefined,
      onEnd: ({ usage, error, abandoned }) => {
        if (error?.healthSignal) state.breaker.failure();
        deadline.dispose();
        // A stream the caller left may have generated more than it reported: settle it as the
        // cancellation it is, so the limiter and budgets charge the reservation, not a refund.
        lease.settle({
          usage,
          headers: delivered.headers,
          error: error ?? (abandoned ? new AbortedError('the caller left mid-stream') : undefined),
        });
        endWith({ usage, error, abandoned });
      },
    });
    // Past the commit point the deadline no longer cuts the stream short; the idle timer does.
    deadline.dispose();
    return { kind: 'stream', body: stream, meta, ended };
  }

  #fromCache(run: Run, answer: unknown, cache: 'hit' | 'stale', fallback: Fallback): EngineAnswer {
    const meta = this.#meta(run, fallback, cache);
    return this.#answer(run, answer, meta);
  }

  #static(run: Run, text: string): EngineAnswer {
    const caller = DIALECTS[run.dialect];
    const answer = caller.textAnswer(text, run.route.name, this.#clock.now()) as Record<
      string,
      unknown
    >;
    answer.breakwater = { fallback: 'static' };
    return this.#answer(run, answer, this.#meta(run, 'static', run.cacheKey ? 'miss' : 'off'));
  }

  #answer(run: Run, answer: unknown, meta: AnswerMeta): EngineAnswer {
    if (!run.stream) return { kind: 'json', body: answer, meta };
    const caller = DIALECTS[run.dialect];
    const events = caller.replay(answer, caller.wantsStreamUsage(run.request));
    const text = events.map((e) => caller.frame(e)).join('') + caller.streamEnd;
    const bytes = new TextEncoder().encode(text);
    return {
      kind: 'stream',
      body: (async function* () {
        yield bytes;
      })(),
      meta,
      ended: Promise.resolve({ usage: undefined, abandoned: false }),
    };
  }

  #meta(run: Run, fallback: Fallback, cache: AnswerMeta['cache'], target?: string): AnswerMeta {
    const attempts = run.trail.filter((a) => a.result !== 'skipped').length;
    return { route: run.route.name, target, attempts, cache, fallback, trail: run.trail };
  }

  #record(run: Run, record: AttemptRecord): void {
    run.trail.push(record);
    if (this.#events.hasListeners)
      this.#events.emit({ type: 'attempt', route: run.route.name, record });
  }

  #final(run: Run, error: BreakwaterError): BreakwaterError {
    error.attempts = run.trail;
    if (run.trail.length > 1)
      error.message = `${error.message}; tried: ${describeAttempts(run.trail)}`;
    return error;
  }

  #unknownRoute(name: string): BreakwaterError {
    const routes = [...this.config.routes.keys()];
    const providers = [...this.config.providers.keys()];
    const known = routes.length > 0 ? `routes: ${routes.join(', ')}; ` : '';
    return new BreakwaterError('not_found', `unknown model "${name}"`, {
      origin: 'breakwater',
      param: 'model',
      hint: `Send a route name or a provider/model target (${known}providers: ${providers.join(', ')}).`,
    });
  }
}

/** A short, non-secret name for an upstream key, so limits can be kept per key. */
function keyId(key: string | undefined): string | undefined {
  return key === undefined
    ? undefined
    : createHash('sha256').update(key).digest('hex').slice(0, 12);
}

function canFallBack(error: BreakwaterError): boolean {
  return error.fallbackable && error.code !== 'aborted';
}

function cannotTake(err: unknown, target: ResolvedTarget): BreakwaterError {
  const reason = err instanceof BreakwaterError ? `: ${err.message}` : '';
  // Not the caller's fault when another tier could take the request as it is; the message of an
  // unexpected failure stays in the cause (and the log), not in the answer.
  return new BreakwaterError('unprocessable', `${target.id} cannot take this request${reason}`, {
    origin: 'breakwater',
    param: err instanceof BreakwaterError ? err.param : undefined,
    fallbackable: true,
    cause: err,
    hint: 'Another tier may take it; otherwise change the request (the message names the field).',
  });
}

export type { ResolvedPolicy };
