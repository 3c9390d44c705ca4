/**
 * The errors a limit lane refuses with, each naming the target and the numbers a person needs
 * (STYLE.md §5), with the wait as Retry-After. All are breakwater's own `RejectedError`s, which
 * the engine treats as "skip this target": the next tier may take the call.
 */
import { RejectedError } from '../errors/index.ts';
import type { Dimension } from './request-cost.ts';

export interface LaneContext {
  provider: string;
  model: string;
}

const target = (ctx: LaneContext) => `${ctx.provider}/${ctx.model}`;

function seconds(ms: number): string {
  return ms === Number.POSITIVE_INFINITY ? 'unbounded' : `${(Math.max(0, ms) / 1000).toFixed(1)} s`;
}

function label(dim: Dimension): string {
  return dim === 'requests' || dim === 'tokens' ? dim : `${dim} tokens`;
}

/** Larger than a per-minute limit: no wait can help. */
export function tooLarge(ctx: LaneContext, dim: Dimension, needed: number, limit: number) {
  return new RejectedError(
    'rate_limited',
    `request too large for ${target(ctx)}: it needs ${needed} ${label(dim)} and the limit is ${limit} per minute`,
    {
      ...ctx,
      hint: 'Send less input or a lower max_tokens, or route to a target with a higher limit.',
    },
  );
}

/** The expected wait outlives what the deadline (less the call's headroom) allows. */
export function waitTooLong(ctx: LaneContext, waitMs: number, allowedMs: number, ahead: number) {
  const who = ahead > 0 ? ` behind ${ahead} waiting` : '';
  return new RejectedError(
    'rate_limited',
    `rate limit of ${target(ctx)}: the wait would be ${seconds(waitMs)}${who}; the deadline allows ${seconds(allowedMs)} of waiting`,
    { ...ctx, retryAfterMs: waitMs },
  );
}

/** A waiter that reached its longest wait, or its deadline less the call's headroom. */
export function gaveUp(ctx: LaneContext, waitedMs: number, retryAfterMs: number) {
  return new RejectedError(
    'rate_limited',
    `rate limit of ${target(ctx)}: waited ${seconds(waitedMs)} in the queue and was not admitted before its deadline`,
    { ...ctx, retryAfterMs },
  );
}

export function queueFull(ctx: LaneContext, size: number, maxDepth: number, retryAfterMs: number) {
  return new RejectedError(
    'queue_full',
    `queue full: ${size}/${maxDepth} waiting for ${target(ctx)}`,
    {
      ...ctx,
      retryAfterMs,
    },
  );
}
