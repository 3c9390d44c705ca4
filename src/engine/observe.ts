/**
 * The engine's publishing points on the `breakwater:*` channels (telemetry/channels.ts), each a
 * one-line call where the decision is made. A call's `CallInfo` exists only when some call-level
 * channel has a subscriber (`run.call`); every function here returns at once without it, and
 * checks its own channel before building a message, so an unobserved engine pays a property
 * read per decision.
 */
import type { ResolvedTarget } from '../config/config-types.ts';
import type { Clock } from '../core/clock.ts';
import { stopReasonOf } from '../dialects/answer-stop-reason.ts';
import type { DialectName } from '../dialects/dialect-name.ts';
import type { Usage } from '../dialects/usage.ts';
import type { AttemptRecord, BreakwaterError } from '../errors/index.ts';
import type { BreakerTransition } from '../policy/breaker.ts';
import { callObserved, channels } from './channels.ts';
import type { AttemptStart, CallInfo, FallbackTaken } from './engine-events.ts';
import type { AnswerMeta, CallOptions, EngineAnswer } from './engine-types.ts';
import type { Run } from './run.ts';

/** The call's info when anyone listens, published on `request:start`. */
export function callStarted(
  source: object,
  dialect: DialectName,
  body: unknown,
  options: CallOptions,
  now: number,
): CallInfo | undefined {
  if (!callObserved()) return undefined;
  const fields = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const call: CallInfo = {
    source,
    // The name asked for; telemetry maps names no config knows to one label.
    route: options.route ?? (typeof fields.model === 'string' ? fields.model : ''),
    dialect,
    stream: fields.stream === true,
    tenant: options.tenant,
    requestId: options.requestId,
    headers: options.headers,
    trace: options.trace,
    startedAt: now,
  };
  if (channels.requestStart.hasSubscribers) channels.requestStart.publish(call);
  return call;
}

/** Publishes `request:end` for an answer: at once for a whole one, when it ends for a stream. */
export function answerEnded(call: CallInfo, answer: EngineAnswer, clock: Clock): void {
  // A call may be observed for its attempts alone (the request log hears failed ones).
  if (!channels.requestEnd.hasSubscribers) return;
  if (answer.kind === 'json') {
    const now = clock.now();
    // The message itself, not an Ending for callEnded to copy: one object per observed call.
    channels.requestEnd.publish({
      call,
      started: true,
      answer: answer.meta,
      error: undefined,
      abandoned: false,
      usage: answer.usage,
      stopReason: stopReasonOf(answer.body),
      durationMs: now - call.startedAt,
      firstChunkMs: undefined,
    });
    return;
  }
  const firstChunkMs = clock.now() - call.startedAt;
  void answer.ended.then((end) =>
    callEnded(call, clock.now(), {
      answer: answer.meta,
      error: end.error,
      abandoned: end.abandoned,
      usage: end.usage,
      stopReason: end.stopReason,
      firstChunkMs,
    }),
  );
}

export interface Ending {
  answer?: AnswerMeta;
  error?: BreakwaterError;
  abandoned?: boolean;
  usage?: Usage;
  stopReason?: string;
  firstChunkMs?: number;
}

export function callEnded(call: CallInfo | undefined, now: number, ending: Ending): void {
  if (call === undefined || !channels.requestEnd.hasSubscribers) return;
  channels.requestEnd.publish({
    call,
    started: true,
    answer: ending.answer,
    error: ending.error,
    abandoned: ending.abandoned ?? false,
    usage: ending.usage,
    stopReason: ending.stopReason,
    durationMs: now - call.startedAt,
    firstChunkMs: ending.firstChunkMs,
  });
}

/** Publishes `attempt:start`; the returned message goes back into `attemptEnded`. */
export function attemptStarted(
  run: Run,
  target: ResolvedTarget,
  tier: number,
  attempt: number,
  headers: Record<string, string>,
): AttemptStart | undefined {
  const call = run.call;
  if (call === undefined || !channels.attemptStart.hasSubscribers) return undefined;
  const start: AttemptStart = {
    call,
    target: target.id,
    provider: target.provider.name,
    providerDialect: target.provider.dialect,
    baseUrl: target.provider.baseUrl,
    model: target.model,
    tier,
    attempt,
    headers,
  };
  channels.attemptStart.publish(start);
  return start;
}

export function attemptEnded(
  run: Run,
  record: AttemptRecord,
  start?: AttemptStart,
  error?: BreakwaterError,
  firstByteMs?: number,
): void {
  const call = run.call;
  if (call === undefined || !channels.attemptEnd.hasSubscribers) return;
  channels.attemptEnd.publish({ call, start, record, error, firstByteMs });
}

export function retryScheduled(
  run: Run,
  target: string,
  attempt: number,
  delayMs: number,
  reason: string,
): void {
  const call = run.call;
  if (call === undefined || !channels.retry.hasSubscribers) return;
  channels.retry.publish({ call, target, attempt, delayMs, reason });
}

export function fallbackTaken(
  run: Run,
  from: string,
  to: string,
  why: string,
  kind: FallbackTaken['kind'],
): void {
  const call = run.call;
  if (call === undefined || !channels.fallback.hasSubscribers) return;
  channels.fallback.publish({ call, from, to, why, kind });
}

export function cacheServed(run: Run, outcome: 'hit' | 'stale', purpose: 'serve' | 'fallback') {
  const call = run.call;
  if (call === undefined || !channels.cache.hasSubscribers) return;
  channels.cache.publish({ call, outcome, purpose });
}

export function hedgeStarted(run: Run, from: string, to: string): void {
  const call = run.call;
  if (call === undefined || !channels.hedge.hasSubscribers) return;
  channels.hedge.publish({ call, from, to });
}

export function staticServed(run: Run, why: string): void {
  const call = run.call;
  if (call === undefined || !channels.static.hasSubscribers) return;
  channels.static.publish({ call, why });
}

export function breakerMoved(source: object, target: string, transition: BreakerTransition) {
  if (!channels.breaker.hasSubscribers) return;
  const { from, to, openMs } = transition;
  channels.breaker.publish({ source, target, from, to, openMs });
}
