/**
 * The engine's public shapes: how it is built (`EngineOptions`), how one call is asked for
 * (`CallOptions`), what comes back (`EngineAnswer` with its `AnswerMeta`) and what it tells
 * listeners (`EngineEvent`). engine.ts re-exports them all.
 */

import type { ContextOverflow } from '../config/config-types.ts';
import type { Clock } from '../core/clock.ts';
import type { HeadersLike } from '../dialects/headers.ts';
import type { Usage } from '../dialects/usage.ts';
import type { AttemptRecord } from '../errors/index.ts';
import type { Admission, Priority } from '../limiter/admission.ts';
import type { BreakerTransition } from '../policy/breaker.ts';
import type { RequestIssue } from '../preflight/request-issue.ts';
import type { ShapeCheck } from '../preflight/request-shape.ts';
import type { IdempotencyStore } from '../store/idempotency-store.ts';
import type { CacheStore, Store } from '../store/store.ts';
import type { StoreHealthChange } from '../store/store-health.ts';
import type { UpstreamDispatchers, UpstreamPool } from '../upstream/upstream-pool.ts';
import type { StreamEnd } from './caller-stream.ts';
import type { CallTrace } from './engine-events.ts';

export interface EngineOptions {
  clock?: Clock;
  /** For backoff jitter. @default Math.random */
  random?: () => number;
  /** The upstream connection pools. @default one keep-alive pool over the configured origins */
  pool?: UpstreamDispatchers & Pick<UpstreamPool, 'close'>;
  /**
   * Where shared state lives. @default the config's `store` (memory, or Redis for a fleet),
   * created by the engine and closed with it
   */
  store?: Store;
  /** Where cached answers live. @default the store's cache */
  cacheStore?: CacheStore;
  /**
   * Where answers kept under an Idempotency-Key live. @default an in-memory store bounded by
   * `idempotency.maxBytes`
   */
  idempotencyStore?: IdempotencyStore;
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
  /**
   * The caller's `Idempotency-Key`: the same key with the same request again gets the first
   * call's answer, replayed, without another upstream call.
   */
  idempotencyKey?: string;
  /** Overrides the route's `onContextOverflow` for this call. */
  onContextOverflow?: ContextOverflow;
  /** The preflight checks' result, when the caller (the gateway) already ran them on this body. */
  preflight?: ShapeCheck;
  /** The caller's id for this call, carried into telemetry (the gateway's request id). */
  requestId?: string;
  /** Where telemetry leaves the call's trace id for the caller (the gateway's log line). */
  trace?: CallTrace;
}

/** Which layer answered; `panic`: a target tried past its open breaker when every tier was ejected. */
export type Fallback = 'none' | 'tier' | 'context' | 'cache' | 'static' | 'panic';

/** What happened, for response headers and logs. */
export interface AnswerMeta {
  route: string;
  /** The target that answered; absent for a cached or static answer. */
  target?: string;
  /** Upstream attempts made (skipped targets not counted). */
  attempts: number;
  /** `idempotent-replay`: the stored answer of an earlier call under the same Idempotency-Key. */
  cache: 'hit' | 'stale' | 'miss' | 'off' | 'idempotent-replay';
  fallback: Fallback;
  trail: readonly AttemptRecord[];
  /** Callers that shared this answer's upstream call (coalescing), when more than one did. */
  coalesced?: number;
  /** A hedge raced the attempt that answered: `won` when the hedge gave the answer. */
  hedge?: 'won' | 'lost';
}

/** Running totals an engine keeps. */
export interface EngineCounters {
  /** Answers replayed under an Idempotency-Key instead of calling a provider again. */
  idempotentReplays: number;
  /** Calls answered by another identical call's upstream call (coalescing). */
  coalesced: number;
  /** Hedged attempts started beside a slow attempt. */
  hedges: number;
  /** Hedged attempts that answered first. */
  hedgesWon: number;
}

export type EngineAnswer =
  | {
      kind: 'json';
      body: unknown;
      /** `body` as JSON text exactly as the provider sent it, when it passed through unchanged. */
      raw?: string;
      /** The usage the target reported (read once, for the limiter); absent for cached answers. */
      usage?: Usage;
      meta: AnswerMeta;
    }
  | {
      kind: 'stream';
      body: AsyncIterable<Uint8Array>;
      meta: AnswerMeta;
      /** Settles when the stream is over: complete, failed after its commit point, or abandoned. */
      ended: Promise<StreamEnd>;
    };

export type EngineEvent =
  | { type: 'attempt'; route: string; record: AttemptRecord }
  | { type: 'breaker'; target: string; transition: BreakerTransition }
  /** One upstream call answered `callers` identical calls (coalescing). */
  | { type: 'coalesced'; route: string; callers: number }
  /** The request breaks rules the provider tolerates (preflight warnings): logged and counted. */
  | { type: 'warning'; route: string; warnings: readonly RequestIssue[] }
  /** A hedge started: an attempt on `to` beside the slow one on `from`. */
  | { type: 'hedge'; route: string; from: string; to: string }
  /** A fleet's store stopped answering (each gateway serves its share) or answers again. */
  | { type: 'store'; change: StoreHealthChange };
