/**
 * The engine's admission: rate limits and spend budgets before every upstream attempt.
 *
 *   acquire: count the prompt (calibrated) → reserve prompt + max output →
 *            budget: reserve the worst-case cost, or `budget_exceeded` →
 *            lane (target × upstream key): admit now, queue by priority, or fail fast
 *            (`rate_limited` with the wait as Retry-After, `queue_full`)
 *   settle:  reconcile buckets with the usage, adopt the answer's rate-limit headers, adapt the
 *            rate (AIMD) on 429 / Slow Down, charge the actual cost, learn the prompt ratio
 *
 * The lease is settled exactly once whatever happens; a lease never settled is expired at its
 * deadline plus `leaseGraceMs` and charged its worst case, so nothing can leak. A call stopped
 * before it was sent (by the limiter or the caller) gives its budget reservation back.
 */
import { BudgetGuard, type BudgetHold, type BudgetRequest } from '../budget/budget-guard.ts';
import { SharedBudget } from '../budget/shared-budget.ts';
import { type Clock, systemClock } from '../core/clock.ts';
import { type Event, EventEmitter } from '../core/events.ts';
import { parseAnthropicRateLimitHeaders } from '../dialects/anthropic/rate-limit-headers.ts';
import type { DialectName } from '../dialects/dialect-name.ts';
import { parseOpenAIRateLimitHeaders } from '../dialects/openai/rate-limit-headers.ts';
import { totalInputTokens } from '../dialects/usage.ts';
import type { BreakwaterError } from '../errors/index.ts';
import { PromptCalibration } from '../tokens/calibration.ts';
import { ModelCatalog } from '../tokens/model-catalog.ts';
import { countPromptTokens, type PromptCount } from '../tokens/prompt-tokens.ts';
import type { Admission, AdmissionRequest, Lease, Settlement } from './admission.ts';
import { LimitLane, type Ticket } from './limit-lane.ts';
import { type LimiterEvent, limiterChannel } from './limiter-events.ts';
import {
  LIMITER_DEFAULTS,
  type LimiterOptions,
  type LimiterState,
  type LimitRule,
} from './limiter-options.ts';
import { type LimiterStats, laneStats } from './limiter-stats.ts';
import { type OutputCharge, reconcileDelta } from './reconcile.ts';
import { type Reservation, reserve } from './request-cost.ts';
import { matchRule, type RuleMatch } from './rule-match.ts';

export interface Limiter extends Admission {
  /** Every admission, rejection, throttle, adopted limit, expired lease and budget event. */
  readonly onEvent: Event<LimiterEvent>;
  /** Queue depths, in-flight leases, bucket levels, counters and budget spend. */
  stats(): LimiterStats;
  /** Serialisable state: bucket levels, learned limits, factors, ratios, budget spend. */
  toJSON(): LimiterState;
  /** Expires leases left unsettled past their deadline and grace (also done on every acquire). */
  sweep(): void;
  /** Writes every scope's state to the `store` option, if any. */
  save(): void;
}

interface Scoped {
  lane: LimitLane;
  outputCharge: OutputCharge;
}

/** Most limit scopes kept at once; past it the oldest idle one is forgotten. */
const MAX_LANES = 4096;

const parseHeaders = (dialect: DialectName, headers: Settlement['headers'], now: number) =>
  dialect === 'openai'
    ? parseOpenAIRateLimitHeaders(headers, now)
    : parseAnthropicRateLimitHeaders(headers);

export function createLimiter(options: LimiterOptions = {}): Limiter {
  const clock: Clock = options.clock ?? systemClock;
  const rules = options.targets ?? {};
  const learn = options.learnFromHeaders ?? LIMITER_DEFAULTS.learnFromHeaders;
  const assumedOutput = options.assumedOutputTokens ?? LIMITER_DEFAULTS.assumedOutputTokens;
  const leaseGraceMs = options.leaseGraceMs ?? LIMITER_DEFAULTS.leaseGraceMs;
  const maxDepth = options.queue?.maxDepth ?? LIMITER_DEFAULTS.maxDepth;
  const maxWaitMs = options.queue?.maxWaitMs ?? LIMITER_DEFAULTS.maxWaitMs;
  const callHeadroomMs = options.queue?.callHeadroomMs ?? LIMITER_DEFAULTS.callHeadroomMs;
  const catalog =
    options.catalog instanceof ModelCatalog ? options.catalog : new ModelCatalog(options.catalog);
  const calibration =
    options.calibration === false ? undefined : (options.calibration ?? new PromptCalibration());
  if (calibration && options.initialState?.calibration) {
    calibration.restore(options.initialState.calibration);
  }
  const events = new EventEmitter<LimiterEvent>();
  let self: Limiter | undefined;
  const observed = () => events.hasListeners || limiterChannel.hasSubscribers;
  const emit = (event: LimiterEvent) => {
    if (events.hasListeners) events.emit(event);
    if (limiterChannel.hasSubscribers && self) limiterChannel.publish({ source: self, event });
  };
  const budget = options.budgets
    ? new BudgetGuard(options.budgets, catalog, clock, emit)
    : undefined;
  const sharedBudget = budget && options.fleet && new SharedBudget(budget, options.fleet, clock);
  const books = sharedBudget ?? budget;
  if (budget && options.initialState?.budgets) budget.restore(options.initialState.budgets);
  const lanes = new Map<string, Scoped>();
  const counted = new WeakMap<object, PromptCount>();

  /** Rule matches by target id: the rules never change, and matching showed in profiles. */
  const matches = new Map<string, RuleMatch<LimitRule> | undefined>();
  function ruleFor(target: AdmissionRequest['target']): RuleMatch<LimitRule> | undefined {
    if (matches.has(target.id)) return matches.get(target.id);
    const match = matchRule<LimitRule>(rules, target.provider.name, target.model);
    // Target ids can come from clients (`provider/model` names): keep the memo bounded.
    if (matches.size >= MAX_LANES) matches.clear();
    matches.set(target.id, match);
    return match;
  }

  function scopeFor(request: AdmissionRequest): Scoped {
    const { target } = request;
    const match = ruleFor(target);
    const rule = match?.rule ?? {};
    const base = rule.shared && match ? `rule:${match.pattern}` : target.id;
    const perKey = (rule.per ?? 'key') === 'key' && request.keyId !== undefined;
    const scope = perKey ? `${base}#${request.keyId}` : base;
    let scoped = lanes.get(scope);
    if (!scoped) {
      const lane = new LimitLane({
        scope,
        provider: target.provider.name,
        model: target.model,
        dialect: request.dialect,
        limits: { requests: rule.rpm, tokens: rule.tpm, input: rule.itpm, output: rule.otpm },
        maxConcurrent: rule.maxConcurrent,
        maxDepth,
        maxWaitMs,
        callHeadroomMs,
        leaseGraceMs,
        learn,
        adaptive: options.adaptive ?? {},
        clock,
        emit,
        observed,
        initial: options.initialState?.lanes[scope] ?? options.store?.load(scope),
        fleet: options.fleet,
      });
      const outputCharge =
        rule.outputCharge ?? (request.dialect === 'openai' ? 'reserved' : 'actual');
      scoped = { lane, outputCharge };
      if (lanes.size >= MAX_LANES) forgetIdleLane();
      lanes.set(scope, scoped);
    }
    return scoped;
  }

  /** Scopes come from model names clients send; an idle one (nothing held or waiting) can go. */
  function forgetIdleLane(): void {
    for (const [scope, { lane }] of lanes) {
      if (lane.inFlight > 0 || lane.waiting > 0) continue;
      options.store?.save(scope, lane.toJSON());
      lanes.delete(scope);
      return;
    }
  }

  function promptOf(request: AdmissionRequest): PromptCount {
    let count = counted.get(request.request);
    if (!count) {
      count = countPromptTokens(request.dialect, request.request, request.target.model);
      counted.set(request.request, count);
    }
    return count;
  }

  async function acquire(request: AdmissionRequest): Promise<Lease> {
    const { target, dialect } = request;
    const { lane, outputCharge } = scopeFor(request);
    // Counting a prompt is the limiter's costliest step; a lane with no token limit (none set,
    // none learned from headers yet) and no budget has no use for it. Its usage is still
    // charged when it settles, so a limit learned later starts from the truth.
    const counts = budget !== undefined || lane.buckets.countsTokens;
    const raw = counts ? promptOf(request).tokens : undefined;
    const prompt = raw === undefined ? 0 : calibration ? calibration.apply(target.id, raw) : raw;
    const reservation = reserve(dialect, request.request, prompt, assumedOutput);
    let hold: BudgetHold | undefined;
    if (budget) {
      const info = catalog.get(target.model, target.provider.name);
      const spend: BudgetRequest = {
        route: request.route.name,
        tenant: request.tenant,
        provider: target.provider.name,
        model: target.model,
        promptTokens: prompt,
        // Without a maximum the model's own is the worst case.
        outputTokens: reservation.explicitMax
          ? reservation.outputTokens
          : Math.min(info?.maxOutputTokens ?? reservation.outputTokens, 128_000),
        outputUnbounded: !reservation.explicitMax,
      };
      hold = sharedBudget ? await sharedBudget.reserve(spend) : budget.reserve(spend);
    }
    let lease: LimiterLease | undefined;
    let ticket: Ticket;
    try {
      ticket = await lane.admit(
        reservation.cost,
        request.priority,
        request.deadline,
        request.signal,
        () => lease?.settle({}),
      );
    } catch (error) {
      if (hold) books!.release(hold);
      throw error;
    }
    lease = new LimiterLease({
      lane,
      ticket,
      hold,
      budget: books,
      calibration,
      reservation,
      outputCharge,
      dialect,
      clock,
      targetId: target.id,
      rawPrompt: raw,
    });
    return lease;
  }

  self = {
    acquire,
    onEvent: events.event,
    sweep() {
      for (const { lane } of lanes.values()) lane.sweep();
    },
    save() {
      for (const [scope, { lane }] of lanes) options.store?.save(scope, lane.toJSON());
    },
    stats() {
      return {
        lanes: [...lanes.entries()].map(([scope, { lane }]) => laneStats(scope, lane)),
        budgets: books?.report() ?? {},
      };
    },
    toJSON() {
      const state: LimiterState = { lanes: {} };
      for (const [scope, { lane }] of lanes) state.lanes[scope] = lane.toJSON();
      if (calibration) state.calibration = calibration.toJSON();
      if (budget) state.budgets = budget.toJSON();
      return state;
    },
  };
  return self;
}

interface LeaseContext {
  lane: LimitLane;
  ticket: Ticket;
  hold: BudgetHold | undefined;
  budget: Pick<BudgetGuard, 'settle' | 'release'> | undefined;
  calibration: PromptCalibration | undefined;
  reservation: Reservation;
  outputCharge: OutputCharge;
  dialect: DialectName;
  clock: Clock;
  targetId: string;
  /** The prompt as counted before calibration; undefined when it was not counted. */
  rawPrompt: number | undefined;
}

/** One admitted attempt; only its first settlement counts. */
class LimiterLease implements Lease {
  readonly #c: LeaseContext;
  #settled = false;

  constructor(context: LeaseContext) {
    this.#c = context;
  }

  settle(result: Settlement): void {
    if (this.#settled) return;
    this.#settled = true;
    const c = this.#c;
    const { usage, error } = result;
    const complete = error === undefined;
    c.lane.settle(c.ticket, {
      delta: reconcileDelta(c.dialect, c.reservation, usage, c.outputCharge, complete),
      headers: parseHeaders(c.dialect, result.headers, c.clock.now()),
      throttled: throttleOf(error),
      retryAfterMs: error?.retryAfterMs,
      success: complete && usage !== undefined,
    });
    if (usage && !usage.estimated && c.rawPrompt !== undefined) {
      c.calibration?.observe(c.targetId, c.rawPrompt, totalInputTokens(usage));
    }
    if (c.hold) {
      // An error answer (an HTTP status) was refused before any generation: nothing is billed.
      const refused = error?.providerStatus !== undefined && usage === undefined;
      if (refused) c.budget!.release(c.hold);
      else c.budget!.settle(c.hold, usage, complete);
    }
  }
}

/** A Slow Down first: today a 429 with code `slow_down`, formerly a 503 "Slow Down". */
function throttleOf(error: BreakwaterError | undefined): 'rate_limited' | 'slow_down' | undefined {
  if (error?.origin !== 'provider') return undefined;
  if (error.providerCode === 'slow_down') return 'slow_down';
  if (error.code === 'rate_limited') return 'rate_limited';
  return undefined;
}
