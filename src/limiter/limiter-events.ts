/**
 * What the limiter announces, for logs and metrics (STYLE.md §10): telemetry subscribes with
 * `limiter.onEvent(listener)` or on the `breakwater:limiter` channel; nothing is built for a
 * listener that is not there. Budget events come from the budget guard through the same emitter.
 */

import type { BudgetEvent } from '../budget/budget-events.ts';
import { typedChannel } from '../core/diagnostics.ts';
import type { Priority } from './admission.ts';
import type { Dimension } from './request-cost.ts';

export type LimiterEvent =
  | {
      type: 'queued';
      scope: string;
      target: string;
      priority: Priority;
      /** Calls ahead of this one in the queue. */
      ahead: number;
      /** The wait the buckets foresee, in milliseconds. */
      expectedWaitMs: number;
    }
  | {
      type: 'admitted';
      scope: string;
      target: string;
      priority: Priority;
      /** Time spent in the queue (0 when admitted at once). */
      waitMs: number;
    }
  | {
      type: 'rejected';
      scope: string;
      target: string;
      code: 'rate_limited' | 'queue_full' | 'budget_exceeded';
      retryAfterMs?: number;
    }
  | {
      type: 'throttled';
      scope: string;
      target: string;
      /** `rate_limited`: a 429 from the provider; `slow_down`: OpenAI's 429 `slow_down` (formerly a 503). */
      reason: 'rate_limited' | 'slow_down';
      /** The admitted-rate factor after the decrease (1 = the full limit). */
      factor: number;
      retryAfterMs?: number;
    }
  | {
      type: 'limits_adopted';
      scope: string;
      target: string;
      /** Limits learned or lowered from the provider's headers, per minute. */
      limits: Partial<Record<Dimension, number>>;
    }
  | {
      type: 'lease_expired';
      scope: string;
      target: string;
      /** How long past its deadline the lease was left unsettled. */
      overdueMs: number;
    }
  | BudgetEvent;

/** A limiter event as published on `breakwater:limiter`, with the limiter that announced it. */
export interface LimiterNotice {
  readonly source: object;
  readonly event: LimiterEvent;
}

/**
 * `breakwater:limiter` (telemetry/channels.ts names every `breakwater:*` channel): defined here,
 * where it is published, because the limiter sits below telemetry. Publishing costs a boolean
 * check while nobody subscribes.
 */
export const limiterChannel = typedChannel<LimiterNotice>('breakwater:limiter');
