/**
 * What the engine tells the world, one type per decision: a call starting and ending, each
 * attempt starting and ending, a retry scheduled, a fallback taken, a cached or static answer
 * served, a breaker moving, the limiter queuing, admitting or refusing, a budget threshold
 * crossed. Published on the `breakwater:*` diagnostics channels (channels.ts); the logs, metrics,
 * spans, webhooks and the status page all read them, and so can any other tool.
 *
 * The engine publishes them (observe.ts); telemetry, the layer above, subscribes — and only it
 * imports pino, prom-client and OpenTelemetry. A message names its call by the one `CallInfo`
 * object the engine made for it, so a subscriber can key per-call state on it.
 */
import type { DialectName } from '../dialects/dialect-name.ts';
import type { HeadersLike } from '../dialects/headers.ts';
import type { Usage } from '../dialects/usage.ts';
import type { AttemptRecord, BreakwaterError } from '../errors/index.ts';
import type { BreakerState } from '../policy/breaker.ts';
import type { AnswerMeta } from './engine-types.ts';

/** One engine call, made once when anyone listens and shared by every message about it. */
export interface CallInfo {
  /** The engine that made the call: subscribers of one engine filter on it. */
  readonly source: object;
  readonly route: string;
  readonly dialect: DialectName;
  readonly stream: boolean;
  readonly tenant: string | undefined;
  /** The caller's own id for the call (the gateway's request id). */
  readonly requestId: string | undefined;
  /** The caller's headers (for an incoming `traceparent`); never logged. */
  readonly headers: HeadersLike | undefined;
  /** Where a subscriber may leave what the caller wants back, such as the trace id. */
  readonly trace: CallTrace | undefined;
  /** The engine clock's time when the call began, in milliseconds. */
  readonly startedAt: number;
}

/** Filled in by subscribers for the caller: the gateway writes it into its request line. */
export interface CallTrace {
  traceId?: string;
}

export interface CallEnd {
  readonly call: CallInfo;
  /** `request:start` was published for this call (false for a call refused before the engine). */
  readonly started: boolean;
  /** Set when the call answered (for a stream: once the stream ended). */
  readonly answer: AnswerMeta | undefined;
  /** Set when the call failed, or when a stream failed after its first byte. */
  readonly error: BreakwaterError | undefined;
  /** A stream the caller left before its end. */
  readonly abandoned: boolean;
  /** The usage the answering target reported. */
  readonly usage: Usage | undefined;
  /** The answer's stop reason (`stop`, `end_turn`, `length`, …), when it said one. */
  readonly stopReason: string | undefined;
  /** From the call's start to its end (for a stream: to the stream's end), in milliseconds. */
  readonly durationMs: number;
  /** For a stream: from the call's start to its first content, in milliseconds. */
  readonly firstChunkMs: number | undefined;
}

/** An attempt about to go upstream. `headers` may be added to (a subscriber's `traceparent`). */
export interface AttemptStart {
  readonly call: CallInfo;
  readonly target: string;
  readonly provider: string;
  /** The wire format the target speaks: `gen_ai.provider.name` on spans. */
  readonly providerDialect: DialectName;
  /** The provider's base URL (no credentials), for `server.address` on spans. */
  readonly baseUrl: string;
  readonly model: string;
  readonly tier: number;
  /** 0 for the first attempt on this target. */
  readonly attempt: number;
  readonly headers: Record<string, string>;
}

export interface AttemptEnd {
  readonly call: CallInfo;
  /** The start message of the same attempt; absent for a target skipped without a call. */
  readonly start: AttemptStart | undefined;
  readonly record: AttemptRecord;
  readonly error: BreakwaterError | undefined;
  /** Until the response's headers, in milliseconds, when they came. */
  readonly firstByteMs: number | undefined;
}

export interface RetryScheduled {
  readonly call: CallInfo;
  readonly target: string;
  /** The attempt about to be made, 1 for the first retry. */
  readonly attempt: number;
  readonly delayMs: number;
  /** The error code of the failure being retried. */
  readonly reason: string;
}

export interface FallbackTaken {
  readonly call: CallInfo;
  /** The target given up on. */
  readonly from: string;
  /** The next target, or `cache` / `static` for the last resorts. */
  readonly to: string;
  /** The error code that made the engine move on. */
  readonly why: string;
  /**
   * `tier` (the next target of the route), `context` (the larger-context target), `panic` (the
   * targets their breaker turned away, tried past it), `cache`, `static`.
   */
  readonly kind: 'tier' | 'context' | 'panic' | 'cache' | 'static';
}

/** A hedge started: an attempt on `to` beside the slow one on `from`, racing it. */
export interface HedgeStarted {
  readonly call: CallInfo;
  readonly from: string;
  readonly to: string;
}

export interface CacheServed {
  readonly call: CallInfo;
  readonly outcome: 'hit' | 'stale';
  /** `serve`: before any provider was asked (`always`); `fallback`: after every tier failed. */
  readonly purpose: 'serve' | 'fallback';
}

export interface StaticServed {
  readonly call: CallInfo;
  /** The error code of the last failure. */
  readonly why: string;
}

export interface BreakerMoved {
  readonly source: object;
  readonly target: string;
  readonly from: BreakerState;
  readonly to: BreakerState;
  /** The open period, when the breaker opened. */
  readonly openMs: number | undefined;
}
