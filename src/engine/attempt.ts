/**
 * One upstream attempt against one target. An attempt is one upstream call; for a stream it
 * lasts until the first content event (the commit point), so every failure before the caller
 * sees a byte is retried or falls back unseen. In order: the target's breaker admits it (or it
 * is skipped), admission (the limiter) grants it a lease, the call goes out with the provider's
 * current key — rotated once on a 401 — and the answer is read: a whole one, or a stream up to
 * its commit point. Every attempt, skipped or made, lands in the run's trail.
 */
import { createHash } from 'node:crypto';
import type { Clock } from '../core/clock.ts';
import { failure, type Outcome, success } from '../core/outcome.ts';
import type { Usage } from '../dialects/usage.ts';
import { classifyNetworkError, RefusalError, RejectedError } from '../errors/index.ts';
import type { Admission, Lease } from '../limiter/admission.ts';
import { type BreakerTicket, failureKind } from '../policy/breaker.ts';
import { callUpstream } from '../upstream/call-upstream.ts';
import type { UpstreamPool } from '../upstream/upstream-pool.ts';
import { attemptTimeouts } from './attempt-timeouts.ts';
import type { Bridge } from './bridge.ts';
import { type Recorder, type Run, skipped } from './run.ts';
import { type OpenedStream, openStream } from './stream-commit.ts';
import type { TargetRegistry, TargetState } from './target-state.ts';

/** What an attempt works with, the same for every call. */
export interface AttemptDeps {
  clock: Clock;
  pool: UpstreamPool;
  admission: Admission;
  targets: TargetRegistry;
  record: Recorder;
}

/** One attempt's request, already in the target's dialect. */
export interface AttemptPlan {
  state: TargetState;
  bridge: Bridge;
  upstream: Record<string, unknown>;
  body: string;
  tier: number;
  /** No attempt comes after this one: it gets the full first-byte limit. */
  final: boolean;
}

/** An attempt that answered: a whole answer, or a stream past its commit point. */
export interface Delivered {
  state: TargetState;
  bridge: Bridge;
  lease: Lease;
  /** The breaker's admission: a failure after a stream's commit is reported with it. */
  ticket: BreakerTicket;
  headers: Record<string, string | string[] | number | undefined>;
  json?: unknown;
  /** The answer's text as the provider sent it, to pass on unchanged to a same-dialect caller. */
  raw?: string;
  /** The usage a whole answer reported. */
  usage?: Usage;
  opened?: OpenedStream<unknown>;
}

export async function attempt(
  deps: AttemptDeps,
  run: Run,
  plan: AttemptPlan,
): Promise<Outcome<Delivered>> {
  const { clock, record } = deps;
  const { state, bridge, upstream, body, tier, final } = plan;
  const { target, breaker } = state;
  const admission = breaker.admit();
  if (!admission.allowed) {
    record(run, skipped(target.id, tier, 'circuit_open'));
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
  const keys = deps.targets.keys(target.provider);
  const ctx = { provider: target.provider.name, model: target.model };
  const timeouts = attemptTimeouts(run, bridge, state, final);
  let key = keys.kind === 'function' ? await keys.current() : keys.currentListed();
  let lease: Lease;
  try {
    lease = await deps.admission.acquire({
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
    breaker.release(admission);
    const error = classifyNetworkError(err);
    record(run, skipped(target.id, tier, error.code));
    return failure(error);
  }
  let rotated = false;
  for (;;) {
    const started = clock.now();
    try {
      const res = await callUpstream({
        pool: deps.pool,
        origin: target.provider.baseUrl,
        path: bridge.target.path,
        headers: withProviderHeaders(
          target.provider.headers,
          bridge.target.upstreamHeaders(key, run.options.headers),
        ),
        body,
        dialect: bridge.target.name,
        provider: target.provider.name,
        model: target.model,
        stream: run.stream,
        signal: run.options.signal,
        deadline: run.deadline,
        timeouts,
        clock,
      });
      (run.stream ? state.firstByte.stream : state.firstByte.whole).record(res.timings.firstByteMs);
      const delivered: Delivered = {
        state,
        bridge,
        lease,
        ticket: admission,
        headers: res.headers,
      };
      if (run.stream) {
        const events = bridge.target.parseStream(res.body, ctx);
        delivered.opened = await openStream(events, (e) => bridge.target.isContent(e), ctx);
      } else {
        const body = await res.jsonAndText();
        delivered.json = body.value;
        delivered.raw = body.text;
        delivered.usage = bridge.target.responseUsage(delivered.json);
        lease.settle({ usage: delivered.usage, headers: res.headers });
        const refusal = run.route.onRefusal === 'fallback' && bridge.target.refusal(delivered.json);
        if (refusal) {
          // A verdict on this answer, not on the target's health: no breaker count, no retry.
          breaker.release(admission);
          record(run, {
            target: target.id,
            tier,
            result: 'error',
            code: 'refusal',
            status: res.status,
            latencyMs: clock.now() - started,
          });
          return failure(new RefusalError(refusal, { ...ctx, requestId: res.requestId }));
        }
      }
      breaker.success(admission);
      record(run, {
        target: target.id,
        tier,
        result: 'ok',
        status: res.status,
        latencyMs: clock.now() - started,
      });
      return success(delivered);
    } catch (err) {
      const error = classifyNetworkError(err, ctx);
      record(run, {
        target: target.id,
        tier,
        result: 'error',
        code: error.code,
        status: error.providerStatus,
        latencyMs: clock.now() - started,
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
      if (error.healthSignal) breaker.failure(admission, failureKind(error));
      else breaker.release(admission);
      lease.settle({ error });
      return failure(error);
    }
  }
}

/** The provider's configured headers under the dialect's own; no copy when there are none. */
function withProviderHeaders(
  configured: Readonly<Record<string, string>>,
  own: Record<string, string>,
): Record<string, string> {
  for (const _ in configured) return { ...configured, ...own };
  return own;
}

/** Fingerprints already computed, by key: hashing on every attempt showed in profiles. */
const fingerprints = new Map<string, string>();

/** A short, non-secret name for an upstream key, so limits can be kept per key. */
function keyId(key: string | undefined): string | undefined {
  if (key === undefined) return undefined;
  let id = fingerprints.get(key);
  if (id === undefined) {
    id = createHash('sha256').update(key).digest('hex').slice(0, 12);
    // Keys come from the config (and rotate rarely): a small bound is plenty.
    if (fingerprints.size >= 256) fingerprints.clear();
    fingerprints.set(key, id);
  }
  return id;
}
