/**
 * The `breakwater:*` diagnostics channels, one per kind of decision (events.ts has the message
 * types). The engine publishes; telemetry's logs, metrics, spans, webhooks and live figures
 * subscribe, and any other tool may too:
 *
 *   breakwater:request:start   CallInfo          a call begins
 *   breakwater:request:end     CallEnd           it answered or failed (a stream: when it ended)
 *   breakwater:attempt:start   AttemptStart      an attempt goes upstream
 *   breakwater:attempt:end     AttemptEnd        it answered, failed, or the target was skipped
 *   breakwater:retry           RetryScheduled    a backoff wait before the next attempt
 *   breakwater:fallback        FallbackTaken     the next target, the cache or the static message
 *   breakwater:cache           CacheServed       a cached answer served (fresh or stale)
 *   breakwater:static          StaticServed      the route's static message served
 *   breakwater:hedge           HedgeStarted      a hedge attempt started beside a slow one
 *   breakwater:breaker         BreakerMoved      a target's breaker changed state
 *   breakwater:limiter         LimiterNotice     queued, admitted, rejected, throttled, budgets
 *
 * Nothing is built while nobody listens: the engine checks `hasSubscribers` first, and makes the
 * call's `CallInfo` only when `callObserved()` says some call-level channel is listened to.
 */
import { typedChannel } from '../core/diagnostics.ts';
import { limiterChannel } from '../limiter/limiter-events.ts';
import type {
  AttemptEnd,
  AttemptStart,
  BreakerMoved,
  CacheServed,
  CallEnd,
  CallInfo,
  FallbackTaken,
  HedgeStarted,
  RetryScheduled,
  StaticServed,
} from './engine-events.ts';

export const channels = Object.freeze({
  requestStart: typedChannel<CallInfo>('breakwater:request:start'),
  requestEnd: typedChannel<CallEnd>('breakwater:request:end'),
  attemptStart: typedChannel<AttemptStart>('breakwater:attempt:start'),
  attemptEnd: typedChannel<AttemptEnd>('breakwater:attempt:end'),
  retry: typedChannel<RetryScheduled>('breakwater:retry'),
  fallback: typedChannel<FallbackTaken>('breakwater:fallback'),
  cache: typedChannel<CacheServed>('breakwater:cache'),
  static: typedChannel<StaticServed>('breakwater:static'),
  hedge: typedChannel<HedgeStarted>('breakwater:hedge'),
  breaker: typedChannel<BreakerMoved>('breakwater:breaker'),
  limiter: limiterChannel,
});

const CALL_CHANNELS = [
  channels.requestStart,
  channels.requestEnd,
  channels.attemptStart,
  channels.attemptEnd,
  channels.retry,
  channels.fallback,
  channels.cache,
  channels.static,
  channels.hedge,
];

/** Whether any channel about calls has a subscriber: only then is a call's `CallInfo` made. */
export function callObserved(): boolean {
  for (const ch of CALL_CHANNELS) if (ch.hasSubscribers) return true;
  return false;
}
