/**
 * The answer the caller gets, from whichever layer produced it: an attempt that delivered (a
 * whole answer, or a stream past its commit point wired into the caller's dialect), a cached
 * answer, or the route's static message. Cached and static answers are replayed as a stream
 * when the caller asked for one. The lease of a delivered stream is settled when the stream ends.
 */
import { type Clock, systemClock } from '../core/clock.ts';
import { AbortedError } from '../errors/index.ts';
import { failureKind } from '../policy/breaker.ts';
import type { AnswerCache } from './answer-cache.ts';
import type { Delivered } from './attempt.ts';
import { DIALECTS } from './bridge.ts';
import { callerStream, type StreamEnd } from './caller-stream.ts';
import type { AnswerMeta, EngineAnswer, Fallback } from './engine-types.ts';
import type { Run } from './run.ts';

/** `fallback`: what to call it when not the tier's own (panic mode); @default by its tier */
export function deliver(
  run: Run,
  delivered: Delivered,
  cache: AnswerCache,
  fallback: Fallback = fallbackOf(delivered.tier),
): EngineAnswer {
  const { bridge, state } = delivered;
  const { target } = state;
  const meta = answerMeta(run, fallback, run.cacheKey ? 'miss' : 'off', target.id);
  if (delivered.hedge) meta.hedge = delivered.hedge;
  if (delivered.opened === undefined) {
    const body = bridge.response(delivered.json);
    if (run.cacheKey) void cache.store(run.dialect, run.route, run.options, run.cacheKey, body);
    // Same dialect: the provider's own bytes go out as they came, not parsed and re-serialised.
    const raw = bridge.translates ? undefined : delivered.raw;
    return { kind: 'json', body, raw, usage: delivered.usage, meta };
  }
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
    onComplete: onComplete(run, cache),
    lifetime: {
      clock: delivered.clock ?? systemClock,
      idleMs: run.route.policy.timeouts.idleMs,
      maxStreamMs: run.route.policy.timeouts.maxStreamMs,
      upstream: delivered.upstream,
    },
    onEnd: ({ usage, error, abandoned, stopReason, cut }) => {
      // Counted in the generation the attempt was admitted in: never as a later probe's verdict.
      if (error?.healthSignal) state.breaker.failure(delivered.ticket, failureKind(error));
      deadline.dispose();
      // A stream the caller left may have generated more than it reported: settle it as the
      // cancellation it is, so the limiter and budgets charge the reservation, not a refund.
      lease.settle({
        usage,
        headers: delivered.headers,
        error: error ?? (abandoned ? new AbortedError('the caller left mid-stream') : undefined),
      });
      endWith(
        cut
          ? { usage, error, abandoned, stopReason, cut }
          : { usage, error, abandoned, stopReason },
      );
    },
  });
  // Past the commit point the deadline no longer cuts the stream short; the idle timers (the
  // upstream's silence, the caller's) and the stream's own lifetime do.
  deadline.dispose();
  return { kind: 'stream', body: stream, meta, ended };
}

function fallbackOf(tier: number): Fallback {
  return tier === 0 ? 'none' : tier === -1 ? 'context' : 'tier';
}

/** What to do with a stream's whole answer once it ended cleanly: cache it, hand it on. */
function onComplete(run: Run, cache: AnswerCache): ((answer: unknown) => void) | undefined {
  const { cacheKey, onAnswer } = run;
  if (cacheKey === undefined) return onAnswer;
  return (answer) => {
    void cache.store(run.dialect, run.route, run.options, cacheKey, answer);
    onAnswer?.(answer);
  };
}

/** A stored answer (the cache's, or one kept under an idempotency key), served as asked for. */
export function fromCache(
  run: Run,
  answer: unknown,
  status: 'hit' | 'stale' | 'idempotent-replay',
  fallback: Fallback,
): EngineAnswer {
  return replayable(run, answer, answerMeta(run, fallback, status));
}

export function staticAnswer(run: Run, text: string, clock: Clock): EngineAnswer {
  const caller = DIALECTS[run.dialect];
  const answer = caller.textAnswer(text, run.route.name, clock.now()) as Record<string, unknown>;
  answer.breakwater = { fallback: 'static' };
  return replayable(run, answer, answerMeta(run, 'static', run.cacheKey ? 'miss' : 'off'));
}

/** A whole answer as the caller asked for it: as is, or replayed as a finished stream. */
function replayable(run: Run, answer: unknown, meta: AnswerMeta): EngineAnswer {
  if (!run.stream) return { kind: 'json', body: answer, meta };
  const caller = DIALECTS[run.dialect];
  const events = caller.replay(answer, caller.wantsStreamUsage(run.request));
  const text = events.map((e) => caller.frame(e)).join('') + caller.streamEnd;
  const bytes = Buffer.from(text, 'utf8');
  return {
    kind: 'stream',
    body: (async function* () {
      yield bytes;
    })(),
    meta,
    ended: Promise.resolve({ usage: undefined, abandoned: false }),
  };
}

function answerMeta(
  run: Run,
  fallback: Fallback,
  cache: AnswerMeta['cache'],
  target?: string,
): AnswerMeta {
  const attempts = run.trail.filter((a) => a.result !== 'skipped').length;
  return { route: run.route.name, target, attempts, cache, fallback, trail: run.trail };
}
