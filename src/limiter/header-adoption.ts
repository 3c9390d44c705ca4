/**
 * Adopting the provider's view of a limit from an answer's rate-limit headers, so a limit shared
 * with other apps — or one lower than configured — is respected.
 *
 * The headers describe the provider's bucket when it admitted this request, some time after it
 * was sent. Since then it has refilled by at most `now − sentAt` at its rate, so it holds at most
 * `remaining + refill` now. If the local bucket holds more than that (beyond the header's
 * rounding: Anthropic rounds token counts to the nearest thousand), someone else is using the
 * limit — another app, another process — or the local estimates run low, and the local bucket is
 * lowered to it.
 *
 * The bound deliberately assumes the provider had already counted every request this process
 * sent: under concurrency, requests reach the provider in another order than they were admitted
 * here, and subtracting "those sent after this one" would count some twice and drain the bucket
 * for nothing. The cost is that requests still in flight and not yet seen by the provider are not
 * counted against the correction; the next answers' headers catch up with them. A local bucket is
 * never raised from headers: a reply overtaken by others is older news than the local count.
 *
 * A reported `limit` below the configured one is adopted (the account's real limit); a limit
 * with no local bucket creates one when learning is on (pacing from headers alone, no config).
 */
import type { DialectName } from '../dialects/dialect-name.ts';
import type { RateLimitState, RateLimitWindow } from '../dialects/rate-limit.ts';
import type { LimitBuckets } from './limit-buckets.ts';
import type { Dimension } from './request-cost.ts';

export interface AdoptionInput {
  state: RateLimitState;
  dialect: DialectName;
  /** Epoch ms the request was admitted (≈ when the provider counted it). */
  sentAt: number;
  now: number;
  /** Create buckets for limits the headers report and config does not. */
  learn: boolean;
  /** Dimensions whose limit comes from config (a higher reported limit is not adopted). */
  configured: ReadonlySet<Dimension>;
}

export interface AdoptionResult {
  /** Dimensions whose level was lowered. */
  lowered: Dimension[];
  /** Dimensions whose limit was learned or lowered, with the new per-minute limit. */
  limits: Partial<Record<Dimension, number>>;
}

function windows(state: RateLimitState, dialect: DialectName): [Dimension, RateLimitWindow][] {
  const out: [Dimension, RateLimitWindow][] = [];
  if (state.requests) out.push(['requests', state.requests]);
  if (dialect === 'openai') {
    if (state.tokens) out.push(['tokens', state.tokens]);
    return out;
  }
  if (state.inputTokens) out.push(['input', state.inputTokens]);
  if (state.outputTokens) out.push(['output', state.outputTokens]);
  // Anthropic's `tokens` is "the most restrictive limit in effect"; only useful on its own.
  if (state.tokens && !state.inputTokens && !state.outputTokens) {
    out.push(['tokens', state.tokens]);
  }
  return out;
}

export function adoptHeaders(buckets: LimitBuckets, input: AdoptionInput): AdoptionResult {
  const result: AdoptionResult = { lowered: [], limits: {} };
  const rounding = input.dialect === 'anthropic' ? 500 : 0;
  for (const [dim, window] of windows(input.state, input.dialect)) {
    const limit = window.limit;
    const current = buckets.limit(dim);
    if (limit !== undefined && limit > 0) {
      const learnable = current === undefined ? input.learn : !input.configured.has(dim);
      if (learnable ? current !== limit : current !== undefined && limit < current) {
        buckets.setLimit(dim, limit, current === undefined ? limit : undefined);
        result.limits[dim] = limit;
      }
    }
    const perMinute = buckets.limit(dim);
    if (perMinute === undefined) continue;
    let remaining = window.remaining;
    if (remaining === undefined && window.resetAt !== undefined && limit !== undefined) {
      // "Fully replenished at resetAt": the level is what refill has not yet restored.
      remaining = limit - (Math.max(0, window.resetAt - input.now) * limit) / 60_000;
    }
    if (remaining === undefined) continue;
    const refill = (Math.max(0, input.now - input.sentAt) * perMinute) / 60_000;
    const tolerance = dim === 'requests' ? 0 : rounding;
    const expected = remaining + refill + tolerance;
    if (buckets.lowerTo(dim, expected)) result.lowered.push(dim);
  }
  return result;
}
