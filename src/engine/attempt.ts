/**
 * One upstream attempt against one target. An attempt is one upstream call; for a stream it
 * lasts until the first content event (the commit point), so every failure before the caller
 * sees a byte is retried or falls back unseen. In order: the target's breaker admits it (or it
 * is skipped, unless the call is in panic mode), the provider's key is fetched (a key function
 * that throws or hangs fails this target, not the call), admission (the limiter) grants it a
 * lease, the call goes out — again at once with another key after a 401 or a billing 429 — and
 * the answer is read: a whole one, or a stream up to its commit point. Every attempt, skipped or
 * made, lands in the run's trail.
 */
import { createHash } from 'node:crypto';
import type { Cancellation } from '../core/cancellation.ts';
import type { Clock } from '../core/clock.ts';
import { Deadline } from '../core/deadline.ts';
import { failure, type Outcome, success } from '../core/outcome.ts';
import { waitWithin } from '../core/wait-within.ts';
import type { Usage } from '../dialects/usage.ts';
import {
  type AttemptRecord,
  BreakwaterError,
  classifyNetworkError,
  type ErrorCode,
  RefusalError,
  RejectedError,
} from '../errors/index.ts';
import type { Admission, AdmissionRequest, Lease } from '../limiter/admission.ts';
import { type BreakerTicket, failureKind } from '../policy/breaker.ts';
import { callUpstream, type UpstreamTimeouts } from '../upstream/call-upstream.ts';
import type { KeyPool } from '../upstream/key-pool.ts';
import type { UpstreamDispatchers } from '../upstream/upstream-pool.ts';
import type { UpstreamResponse } from '../upstream/upstream-response.ts';
import { attemptTimeouts } from './attempt-timeouts.ts';
import type { Bridge } from './bridge.ts';
import type { AttemptStart } from './engine-events.ts';
import type { FleetBreakers } from './fleet-breakers.ts';
import { attemptStarted } from './observe.ts';
import { type Recorder, type Run, skipped } from './run.ts';
import { type OpenedStream, openStream } from './stream-commit.ts';
import type { TargetRegistry, TargetState } from './target-state.ts';

/** What an attempt works with, the same for every call. */
export interface AttemptDeps {
  clock: Clock;
  pool: UpstreamDispatchers;
  admission: Admission;
  targets: TargetRegistry;
  /** A fleet's breaker hints: its half-open probes are claimed fleet-wide. */
  fleetBreakers?: FleetBreakers;
  record: Recorder;
}

/** One attempt's request, already in the target's dialect. */
export interface AttemptPlan {
  state: TargetState;
  bridge: Bridge;
  upstream: Record<string, unknown>;
  body: string;
  tier: number;
  /** 0 for the first attempt on this target. @default 0 */
  attempt?: number;
  /** No attempt comes after this one: it gets the full first-byte limit. */
  final: boolean;
  /** Every tier is ejected: go past the open breaker (panic.ts); the breaker counts nothing. */
  panic?: boolean;
  /** Cancels this attempt alone (a hedge that started); @default the caller's signal */
  signal?: AbortSignal;
  /** This attempt is a hedge: started beside a slow one, racing it. */
  hedge?: boolean;
}

/** An attempt's side of a hedge race (hedge.ts). */
export interface RaceSide {
  /** Stops this attempt alone, beside the caller's signal: the other side won. */
  readonly cancellation?: Cancellation;
  /** The request goes out (the limiter's lease and the key in hand). */
  sent(): void;
  /** A usable head arrived: a whole answer's headers, a stream's first content. */
  head(): void;
}

/** The ticket of a panic attempt: of no generation, so its verdict never moves the breaker. */
const PANIC_TICKET: BreakerTicket = Object.freeze({ allowed: true, probe: false, generation: -1 });

/** An attempt that answered: a whole answer, or a stream past its commit point. */
export interface Delivered {
  state: TargetState;
  bridge: Bridge;
  lease: Lease;
  /** The breaker's admission: a failure after a stream's commit is reported with it. */
  ticket: BreakerTicket;
  /** The upstream answer, still on the wire for a stream: cancelled when the stream is cut. */
  upstream?: { cancel(reason: Error): void };
  /** The engine's clock, for a stream's lifetime (a caller that stops reading, maxStreamMs). */
  clock?: Clock;
  headers: Record<string, string | string[] | number | undefined>;
  json?: unknown;
  /** The answer's text as the provider sent it, to pass on unchanged to a same-dialect caller. */
  raw?: string;
  /** The usage a whole answer reported. */
  usage?: Usage;
  opened?: OpenedStream<unknown>;
  /** The tier of the target that answered (-1: the context-window fallback). */
  tier: number;
  /** Set when a hedge raced this answer: `won` when the hedge gave it, `lost` when it did not. */
  hedge?: 'won' | 'lost';
}

/**
 * breaker → key → lease → call (again with another key after a 401 or a billing 429) → answer.
 * `side`: the attempt's place in a hedge race, told of its request and its head.
 */
export async function attempt(
  deps: AttemptDeps,
  run: Run,
  plan: AttemptPlan,
  side?: RaceSide,
): Promise<Outcome<Delivered>> {
  const { state, bridge } = plan;
  const ticket = plan.panic ? PANIC_TICKET : state.breaker.admit();
  if (!ticket.allowed) return circuitOpen(deps, run, plan, ticket.retryAfterMs);
  // One probe for the fleet: a gateway that loses the claim waits for the winner's verdict.
  if (ticket.probe && deps.fleetBreakers && !(await deps.fleetBreakers.claim(state))) {
    return circuitOpen(deps, run, plan, state.breaker.retryAfterMs);
  }
  const keys = deps.targets.keys(state.target.provider);
  const ctx = { provider: state.target.provider.name, model: state.target.model };
  const timeouts = attemptTimeouts(run, bridge, state, plan.final);
  let key: string | undefined;
  if (keys.kind === 'function') {
    const fetched = await keyFromFunction(deps, run, plan, keys, timeouts.connectMs);
    if (fetched instanceof BreakwaterError) {
      state.breaker.release(ticket);
      return failure(fetched);
    }
    key = fetched;
  } else {
    key = keys.currentListed();
  }
  // The steps awaited here rather than in async helpers: each async call on this path allocates.
  let lease: Lease;
  try {
    lease = await deps.admission.acquire(admissionRequest(run, plan, key));
  } catch (err) {
    return leaseRefused(deps, run, plan, ticket, err);
  }
  for (let rotated = false; ; rotated = true) {
    const headers = upstreamHeaders(run, plan, key);
    const call: Call = { ticket, lease, ctx, started: deps.clock.now(), start: undefined };
    call.start = attemptStarted(run, state.target, plan.tier, plan.attempt ?? 0, headers);
    side?.sent();
    try {
      const res = await send(deps, run, plan, headers, timeouts, side?.cancellation);
      const delivered = delivery(deps, run, plan, call, res, side);
      if (run.stream) {
        const events = bridge.target.parseStream(res.body, ctx);
        delivered.opened = await openStream(events, (e) => bridge.target.isContent(e), ctx);
        streamHeadRead(deps, plan, call, side);
      } else {
        readWhole(delivered, await res.jsonAndText());
      }
      return answered(deps, run, plan, call, res, delivered);
    } catch (err) {
      const error = classifyNetworkError(err, ctx);
      recordCall(deps, run, plan, call, error.providerStatus, error.code, error);
      // A rejected key, or one whose account is out of quota: it rests, and another key of the
      // provider (if there is one) is tried at once — a billing 429 is never retried on its key.
      if ((error.code === 'authentication' || error.code === 'quota_exhausted') && !rotated) {
        const next = await rotatedKey(keys, key);
        if (next !== undefined) {
          key = next;
          continue;
        }
      }
      return failed(state.breaker, ticket, lease, error);
    }
  }
}

/** One call in flight: the breaker's ticket, the limiter's lease, the names its errors carry. */
interface Call {
  ticket: BreakerTicket;
  lease: Lease;
  ctx: { provider: string; model: string };
  started: number;
  /** Its `attempt:start` message, when anyone listens. */
  start: AttemptStart | undefined;
  /** Until the answer's headers, once they came. */
  firstByteMs?: number;
}

/**
 * The key a key function gives, bounded like a connection (`timeouts.connectMs`) and by the
 * deadline. One that throws, returns nothing or does not answer in time fails this target — in
 * the trail, with the next tier, the cache and the static message still to come — rather than
 * the whole call.
 */
async function keyFromFunction(
  deps: AttemptDeps,
  run: Run,
  { state: { target }, tier }: AttemptPlan,
  keys: KeyPool,
  boundMs: number,
): Promise<string | undefined | BreakwaterError> {
  const started = deps.clock.now();
  const bound = Deadline.after(Math.min(boundMs, run.deadline.remainingMs()), deps.clock);
  try {
    return await waitWithin(keys.current(), bound, run.options.signal);
  } catch (err) {
    // The call's own deadline, the caller's abort and the function's own failure say so; the
    // bound that fired is the function's slowness.
    const error = run.deadline.expired
      ? run.deadline.error
      : err instanceof BreakwaterError && err.code !== 'deadline_exceeded'
        ? err
        : keyFunctionTimedOut(target.provider.name, err, boundMs);
    deps.record(run, {
      target: target.id,
      tier,
      result: 'error',
      code: error.code,
      latencyMs: deps.clock.now() - started,
    });
    return error;
  } finally {
    bound.dispose();
  }
}

function keyFunctionTimedOut(provider: string, err: unknown, boundMs: number): BreakwaterError {
  return new BreakwaterError(
    'authentication',
    `the apiKey function of provider ${provider} did not answer within ${boundMs} ms`,
    {
      provider,
      origin: 'breakwater',
      cause: err,
      hint: 'The provider’s apiKey function did not answer: check what it reads the key from (a secret store, a token endpoint). Other tiers are tried meanwhile.',
    },
  );
}

/** The breaker said no: the attempt is skipped, with the wait until its next probe. */
function circuitOpen(
  deps: AttemptDeps,
  run: Run,
  { state: { target }, tier }: AttemptPlan,
  retryAfterMs: number,
): Outcome<Delivered> {
  const seconds = Math.ceil(retryAfterMs / 1000);
  const error = new RejectedError(
    'circuit_open',
    `circuit open for ${target.id}: it failed repeatedly; next probe in ${seconds} s`,
    { retryAfterMs, provider: target.provider.name, model: target.model },
  );
  deps.record(run, skipped(target.id, tier, 'circuit_open'), error);
  return failure(error);
}

/** What the limiter is asked to admit. */
function admissionRequest(
  run: Run,
  { state, bridge, upstream, signal }: AttemptPlan,
  key: string | undefined,
): AdmissionRequest {
  return {
    target: state.target,
    route: run.route,
    dialect: bridge.target.name,
    request: upstream,
    priority: run.options.priority ?? 'normal',
    deadline: run.deadline,
    signal: signal ?? run.options.signal,
    tenant: run.options.tenant,
    keyId: keyId(key),
  };
}

/** The limiter said no: the attempt is skipped and the breaker's ticket handed back unused. */
function leaseRefused(
  deps: AttemptDeps,
  run: Run,
  { state, tier }: AttemptPlan,
  ticket: BreakerTicket,
  err: unknown,
): Outcome<Delivered> {
  state.breaker.release(ticket);
  const error = classifyNetworkError(err);
  deps.record(run, skipped(state.target.id, tier, error.code), error);
  return failure(error);
}

/** The upstream headers with `key`: the dialect's own over the provider's configured ones. */
function upstreamHeaders(
  run: Run,
  { state: { target }, bridge }: AttemptPlan,
  key: string | undefined,
): Record<string, string> {
  return withProviderHeaders(
    target.provider.headers,
    bridge.target.upstreamHeaders(key, run.options.headers),
  );
}

/** The request on the wire; resolves at the answer's headers. */
function send(
  deps: AttemptDeps,
  run: Run,
  { state: { target }, bridge, body, signal }: AttemptPlan,
  headers: Record<string, string>,
  timeouts: UpstreamTimeouts,
  cancellation: Cancellation | undefined,
): Promise<UpstreamResponse> {
  return callUpstream({
    pool: deps.pool,
    origin: target.provider.baseUrl,
    path: bridge.target.path,
    headers,
    body,
    dialect: bridge.target.name,
    provider: target.provider.name,
    model: target.model,
    stream: run.stream,
    signal: signal ?? run.options.signal,
    cancellation,
    deadline: run.deadline,
    timeouts,
    clock: deps.clock,
  });
}

/**
 * What the attempt hands over once the answer's headers came. A whole answer's head is its
 * headers (counted for hedging now); a stream's is its first content (`streamHeadRead`).
 */
function delivery(
  deps: AttemptDeps,
  run: Run,
  plan: AttemptPlan,
  call: Call,
  res: UpstreamResponse,
  side: RaceSide | undefined,
): Delivered {
  const { state, bridge } = plan;
  call.firstByteMs = res.timings.firstByteMs;
  (run.stream ? state.firstByte.stream : state.firstByte.whole).record(call.firstByteMs);
  const delivered: Delivered = {
    state,
    bridge,
    lease: call.lease,
    ticket: call.ticket,
    headers: res.headers,
    tier: plan.tier,
  };
  if (run.stream) {
    delivered.upstream = res;
    delivered.clock = deps.clock;
  } else {
    state.heads.record(
      false,
      bridge.caller.maxTokens(run.request),
      deps.clock.now() - call.started,
    );
    side?.head();
  }
  return delivered;
}

/** A stream read up to its first content: its head, counted for hedging. */
function streamHeadRead(
  deps: AttemptDeps,
  plan: AttemptPlan,
  call: Call,
  side: RaceSide | undefined,
): void {
  plan.state.heads.record(true, undefined, deps.clock.now() - call.started);
  side?.head();
}

/** A whole answer's body, its text kept to pass on unchanged; its lease settled with its usage. */
function readWhole(delivered: Delivered, body: { value: unknown; text: string }): void {
  delivered.json = body.value;
  delivered.raw = body.text;
  delivered.usage = delivered.bridge.target.responseUsage(delivered.json);
  delivered.lease.settle({ usage: delivered.usage, headers: delivered.headers });
}

/**
 * The answer judged: a whole answer that is a refusal, on a route that falls back on refusals,
 * is a failure — a verdict on this answer, not on the target's health: no breaker count, no
 * retry. Anything else is the target's success.
 */
function answered(
  deps: AttemptDeps,
  run: Run,
  plan: AttemptPlan,
  call: Call,
  res: UpstreamResponse,
  delivered: Delivered,
): Outcome<Delivered> {
  const { breaker } = plan.state;
  const refusal =
    delivered.opened === undefined &&
    run.route.onRefusal === 'fallback' &&
    plan.bridge.target.refusal(delivered.json);
  if (refusal) {
    breaker.release(call.ticket);
    const error = new RefusalError(refusal, { ...call.ctx, requestId: res.requestId });
    recordCall(deps, run, plan, call, res.status, 'refusal', error, res.requestId);
    return failure(error);
  }
  breaker.success(call.ticket);
  recordCall(deps, run, plan, call, res.status, undefined, undefined, res.requestId);
  return success(delivered);
}

/** The key to try after a 401: the pool asked once for another, or undefined when it has none. */
async function rotatedKey(keys: KeyPool, failed: string | undefined): Promise<string | undefined> {
  const next = await keys.rotate(failed).catch(() => undefined);
  return next !== failed ? next : undefined;
}

/** A failed call: the breaker counts it if it says something of the target's health. */
function failed(
  breaker: TargetState['breaker'],
  ticket: BreakerTicket,
  lease: Lease,
  error: BreakwaterError,
): Outcome<Delivered> {
  if (error.healthSignal) breaker.failure(ticket, failureKind(error));
  else breaker.release(ticket);
  lease.settle({ error });
  return failure(error);
}

/**
 * The call in the run's trail (`ok` without a code, `error` with one; marked when in panic),
 * told to listeners.
 */
function recordCall(
  deps: AttemptDeps,
  run: Run,
  { state, tier, panic, hedge }: AttemptPlan,
  { started, start, firstByteMs }: Call,
  status: number | undefined,
  code?: ErrorCode,
  error?: BreakwaterError,
  requestId: string | undefined = error?.requestId,
): void {
  const latencyMs = deps.clock.now() - started;
  const target = state.target.id;
  const record: AttemptRecord =
    code === undefined
      ? { target, tier, result: 'ok', status, latencyMs, requestId }
      : { target, tier, result: 'error', code, status, latencyMs, requestId };
  if (panic) record.panic = true;
  if (hedge) record.hedge = true;
  deps.record(run, record, error, start, firstByteMs);
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
