/**
 * Slots and reservations can never leak. One concurrency slot and a budget make any leak
 * visible: after every path — success, error, timeout, abort while queued or in flight, a client
 * that went away mid-stream, a settlement that never comes — nothing is in flight, nothing is
 * waiting, nothing stays reserved, no timer is left, and the next call is admitted at once.
 */
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../core/clock.ts';
import { Deadline } from '../core/deadline.ts';
import { emptyUsage, type Usage } from '../dialects/usage.ts';
import {
  AbortedError,
  MalformedResponseError,
  ProviderError,
  TimeoutError,
} from '../errors/index.ts';
import { admission, HI, rejection } from './limiter.fixture.ts';
import { createLimiter, type Limiter } from './limiter.ts';
import type { LimiterEvent } from './limiter-events.ts';

const usage = (u: Partial<Usage>): Usage => ({ ...emptyUsage(), ...u });
/** $1 per token both ways, so dollars read as tokens. */
const DOLLAR_A_TOKEN = { inputUsdPerMTok: 1e6, outputUsdPerMTok: 1e6 };
const BODY = { ...HI, max_tokens: 2 }; // 8 prompt tokens: worst case $10

function setup(leaseGraceMs = 60_000, callHeadroomMs = 1000) {
  const clock = new ManualClock(Date.UTC(2026, 0, 1));
  const events: LimiterEvent[] = [];
  const limiter = createLimiter({
    clock,
    leaseGraceMs,
    queue: { callHeadroomMs },
    calibration: false,
    targets: { 'openai/gpt-4o': { maxConcurrent: 1, rpm: 1000 } },
    catalog: { 'gpt-4o': DOLLAR_A_TOKEN },
    budgets: { tenants: { '*': { dailyUsd: 1000 } } },
  });
  limiter.onEvent((e) => events.push(e));
  const call = (extra: Parameters<typeof admission>[1] = {}) =>
    limiter.acquire(admission(clock, { body: BODY, tenant: 't', ...extra }));
  return { clock, limiter, events, call };
}

function spent(limiter: Limiter) {
  const entry = limiter.stats().budgets['tenant|t|day'];
  return { spent: entry?.spentUsd ?? 0, reserved: entry?.reservedUsd ?? 0 };
}

async function expectClean(limiter: Limiter, clock: ManualClock, call: () => Promise<unknown>) {
  const lane = limiter.stats().lanes[0]!;
  expect(lane.inFlight).toBe(0);
  expect(lane.waiting).toEqual({ high: 0, normal: 0, low: 0 });
  expect(spent(limiter).reserved).toBe(0);
  expect(clock.pending).toBe(0);
  // The one slot is free: the next call goes at once.
  const deadline = Deadline.after(1, clock);
  await call();
  deadline.dispose();
}

describe('leases never leak', () => {
  it('success: the actual cost is charged', async () => {
    const { clock, limiter, call } = setup();
    (await call()).settle({ usage: usage({ inputTokens: 8, outputTokens: 1 }) });
    expect(spent(limiter).spent).toBe(9);
    await expectClean(limiter, clock, call);
  });

  it('an error answer: the slot is freed and nothing is billed', async () => {
    const { clock, limiter, call } = setup();
    const lease = await call();
    lease.settle({ error: new ProviderError('server_error', '500', { providerStatus: 500 }) });
    expect(spent(limiter).spent).toBe(0);
    await expectClean(limiter, clock, call);
  });

  it('a timeout after admission: charged the worst case (the provider may have generated)', async () => {
    const { clock, limiter, call } = setup();
    (await call()).settle({ error: new TimeoutError('first_byte', 30_000) });
    expect(spent(limiter).spent).toBe(10);
    await expectClean(limiter, clock, call);
  });

  it('a waiter gives up while its deadline still leaves time for the call (or a fallback)', async () => {
    const { clock, limiter, call } = setup();
    const first = await call();
    const deadline = Deadline.after(5_000, clock);
    const waiting = call({ deadline });
    expect(limiter.stats().lanes[0]!.waiting.normal).toBe(1);
    expect(spent(limiter).reserved).toBe(20);
    await clock.advance(4_000);
    const error = await rejection(waiting);
    expect(error.code).toBe('rate_limited');
    expect(error.message).toMatch(/waited 4\.0 s in the queue/);
    deadline.dispose();
    first.settle({ usage: usage({ inputTokens: 8, outputTokens: 2 }) });
    await expectClean(limiter, clock, call);
  });

  it('the deadline passes while queued: the waiter leaves, its reservation is given back', async () => {
    const { clock, limiter, call } = setup(60_000, 0);
    const first = await call();
    const deadline = Deadline.after(5_000, clock);
    const waiting = call({ deadline });
    await clock.advance(5_000);
    expect((await rejection(waiting)).code).toBe('deadline_exceeded');
    deadline.dispose();
    first.settle({ usage: usage({ inputTokens: 8, outputTokens: 2 }) });
    await expectClean(limiter, clock, call);
  });

  it('the caller aborts while queued: rejected as aborted at once', async () => {
    const { clock, limiter, call } = setup();
    const first = await call();
    const controller = new AbortController();
    const deadline = Deadline.after(60_000, clock);
    const waiting = call({ signal: controller.signal, deadline });
    controller.abort(new Error('user left'));
    const error = await rejection(waiting);
    expect(error.code).toBe('aborted');
    expect(error.message).toMatch(/user left/);
    deadline.dispose();
    first.settle({ usage: usage({ inputTokens: 8, outputTokens: 2 }) });
    await expectClean(limiter, clock, call);
  });

  it('an aborted signal never enters the queue', async () => {
    const { clock, limiter, call } = setup();
    const controller = new AbortController();
    controller.abort();
    expect((await rejection(call({ signal: controller.signal }))).code).toBe('aborted');
    expect(spent(limiter).reserved).toBe(0);
    await expectClean(limiter, clock, call);
  });

  it('the client went away mid-stream: the slot is freed, the unknown output charged in full', async () => {
    const { clock, limiter, call } = setup();
    const lease = await call();
    lease.settle({ usage: usage({ inputTokens: 8, outputTokens: 1 }), error: new AbortedError() });
    expect(spent(limiter).spent).toBe(10);
    await expectClean(limiter, clock, call);
  });

  it('a stream cut short with no usage: charged its reserved worst case, never $0', async () => {
    const { clock, limiter, call } = setup();
    (await call()).settle({ error: new MalformedResponseError('stream ended before [DONE]') });
    expect(spent(limiter).spent).toBe(10);
    await expectClean(limiter, clock, call);
  });

  it('a lease never settled self-heals at deadline + grace and lets the next one in', async () => {
    const { clock, limiter, events, call } = setup(1_000);
    const lost = await call({ deadlineMs: 2_000 });
    const deadline = Deadline.after(10_000, clock);
    const next = call({ deadline });
    await clock.advance(2_999);
    expect(limiter.stats().lanes[0]!.waiting.normal).toBe(1);
    await clock.advance(1);
    const admitted = await next;
    expect(events.filter((e) => e.type === 'lease_expired')).toEqual([
      { type: 'lease_expired', scope: 'openai/gpt-4o', target: 'openai/gpt-4o', overdueMs: 1_000 },
    ]);
    expect(spent(limiter).spent).toBe(10);
    // A settlement arriving after the expiry changes nothing.
    lost.settle({ usage: usage({ inputTokens: 1, outputTokens: 1 }) });
    expect(spent(limiter).spent).toBe(10);
    admitted.settle({ usage: usage({ inputTokens: 8, outputTokens: 0 }) });
    deadline.dispose();
    await expectClean(limiter, clock, call);
  });

  it('is settled once: a second settlement is ignored', async () => {
    const { clock, limiter, call } = setup();
    const lease = await call();
    lease.settle({ usage: usage({ inputTokens: 8, outputTokens: 1 }) });
    lease.settle({ usage: usage({ inputTokens: 8, outputTokens: 1 }) });
    lease.settle({ error: new AbortedError() });
    expect(spent(limiter).spent).toBe(9);
    await expectClean(limiter, clock, call);
  });

  it('a call the limiter refuses gives its budget reservation back', async () => {
    const { clock, limiter, call } = setup();
    const first = await call();
    const error = await rejection(call({ deadlineMs: 500 }));
    expect(error.code).toBe('rate_limited');
    first.settle({ usage: usage({ inputTokens: 8, outputTokens: 1 }) });
    expect(spent(limiter)).toEqual({ spent: 9, reserved: 0 });
    await expectClean(limiter, clock, call);
  });
});
