/**
 * Subscribing to one engine's `breakwater:*` messages. Channels are process-wide; a subscriber
 * made for one engine (its gateway's metrics, its client's logs) passes its engine as `source`
 * and hears only that engine's calls, breakers and limiter. Without a source it hears them all.
 */
import { listen } from '../core/diagnostics.ts';
import { channels } from '../engine/channels.ts';
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
} from '../engine/engine-events.ts';
import type { LimiterNotice } from '../limiter/limiter-events.ts';

export interface EngineHandlers {
  requestStart?(call: CallInfo): void;
  requestEnd?(end: CallEnd): void;
  attemptStart?(start: AttemptStart): void;
  attemptEnd?(end: AttemptEnd): void;
  retry?(retry: RetryScheduled): void;
  fallback?(fallback: FallbackTaken): void;
  cache?(served: CacheServed): void;
  static?(served: StaticServed): void;
  hedge?(hedge: HedgeStarted): void;
  breaker?(moved: BreakerMoved): void;
  limiter?(notice: LimiterNotice): void;
}

export interface Sources {
  /** The engine whose calls and breakers to hear; all engines when absent. */
  engine?: object;
  /** The limiter whose notices to hear (the engine's `admission`); all when absent. */
  limiter?: object;
}

/**
 * Subscribes each handler given to its channel, filtered to `sources`. A handler that throws
 * is caught: telemetry never changes what happens to a request. Returns the unsubscriber.
 */
export function subscribe(sources: Sources, handlers: EngineHandlers): () => void {
  const offs: (() => void)[] = [];
  const { engine, limiter } = sources;
  const mine = (source: object) => engine === undefined || source === engine;
  const on = <T>(
    ch: Parameters<typeof listen<T>>[0],
    handler: ((message: T) => void) | undefined,
    sourceOf: (message: T) => object,
    wanted: (source: object) => boolean,
  ) => {
    if (!handler) return;
    offs.push(
      listen(ch, (message) => {
        if (!wanted(sourceOf(message))) return;
        try {
          handler(message);
        } catch {
          // A subscriber's bug must not reach the engine, which published synchronously.
        }
      }),
    );
  };
  const h = handlers;
  const call = (m: { call: CallInfo }) => m.call.source;
  on(channels.requestStart, h.requestStart?.bind(h), (m) => m.source, mine);
  on(channels.requestEnd, h.requestEnd?.bind(h), call, mine);
  on(channels.attemptStart, h.attemptStart?.bind(h), call, mine);
  on(channels.attemptEnd, h.attemptEnd?.bind(h), call, mine);
  on(channels.retry, h.retry?.bind(h), call, mine);
  on(channels.fallback, h.fallback?.bind(h), call, mine);
  on(channels.cache, h.cache?.bind(h), call, mine);
  on(channels.static, h.static?.bind(h), call, mine);
  on(channels.hedge, h.hedge?.bind(h), call, mine);
  on(channels.breaker, h.breaker?.bind(h), (m) => m.source, mine);
  on(
    channels.limiter,
    h.limiter?.bind(h),
    (m) => m.source,
    (source) => limiter === undefined || source === limiter,
  );
  return () => {
    for (const off of offs.splice(0)) off();
  };
}
