import { describe, expect, it } from 'vitest';
import { ManualClock } from '../core/clock.ts';
import { emptyUsage, type Usage } from '../dialects/usage.ts';
import { isBreakwaterError } from '../errors/index.ts';
import { ModelCatalog } from '../tokens/model-catalog.ts';
import type { BudgetEvent } from './budget-events.ts';
import { BudgetGuard, type BudgetOptions, type BudgetRequest } from './budget-guard.ts';

const usage = (u: Partial<Usage>): Usage => ({ ...emptyUsage(), ...u });
const START = Date.UTC(2026, 0, 31, 23, 0, 0);
/** $1 per input token, $2 per output token, cache reads $0.10, writes $1.25. */
const catalog = new ModelCatalog({
  'priced-model': {
    inputUsdPerMTok: 1e6,
    outputUsdPerMTok: 2e6,
    cachedInputUsdPerMTok: 1e5,
    cacheWriteUsdPerMTok: 1.25e6,
  },
  'free-model': { inputUsdPerMTok: 0, outputUsdPerMTok: 0 },
});

function guard(options: BudgetOptions) {
  const clock = new ManualClock(START);
  const events: BudgetEvent[] = [];
  const g = new BudgetGuard(options, catalog, clock, (e) => events.push(e));
  return { clock, events, g };
}

const call = (over: Partial<BudgetRequest> = {}): BudgetRequest => ({
  route: 'chat',
  tenant: 'team-a',
  provider: 'p',
  model: 'priced-model',
  promptTokens: 10,
  outputTokens: 5, // worst case: 10 × 1.25 + 5 × 2 = $22.50
  ...over,
});

function thrown(fn: () => unknown) {
  try {
    fn();
  } catch (error) {
    if (isBreakwaterError(error)) return error;
  }
  throw new Error('expected a BreakwaterError');
}

describe('BudgetGuard', () => {
  it('costs usage by bucket: uncached input, cache reads, cache writes, output', () => {
    const { g } = guard({ total: { dailyUsd: 1000 } });
    const hold = g.reserve(call());
    expect(hold.worstUsd).toBe(22.5);
    const usd = g.settle(
      hold,
      usage({
        inputTokens: 2,
        cacheReadInputTokens: 10,
        cacheCreationInputTokens: 4,
        outputTokens: 3,
      }),
      true,
    );
    expect(usd).toBeCloseTo(2 + 1 + 5 + 6);
  });

  it('stops a call before it is sent when its worst case does not fit, naming the budget', () => {
    const { g, events, clock } = guard({ tenants: { 'team-a': { dailyUsd: 50 } } });
    g.reserve(call());
    g.reserve(call());
    const error = thrown(() => g.reserve(call()));
    expect(error.code).toBe('budget_exceeded');
    expect(error.message).toBe(
      'budget exceeded: tenant "team-a" daily budget of $50.00 has $0.00 spent and $45.00 reserved; this call may cost up to $22.50. It resets at 2026-02-01T00:00:00.000Z',
    );
    expect(error.retryAfterMs).toBe(Date.UTC(2026, 1, 1) - clock.now());
    expect(events).toEqual([
      expect.objectContaining({
        type: 'budget_exceeded',
        scope: 'tenant',
        name: 'team-a',
        window: 'day',
      }),
    ]);
    // Other tenants are not affected, and neither are calls without a tenant.
    g.reserve(call({ tenant: 'team-b' }));
    g.reserve(call({ tenant: undefined }));
  });

  it('tells a call without max_tokens that setting it lowers the hold', () => {
    const { g } = guard({ tenants: { 'team-a': { dailyUsd: 20 } } });
    const error = thrown(() => g.reserve(call({ outputUnbounded: true })));
    expect(error.code).toBe('budget_exceeded');
    expect(error.message).toBe(
      'budget exceeded: tenant "team-a" daily budget of $20.00 has $0.00 spent and $0.00 reserved; this call may cost up to $22.50 (it sets no max_tokens, so the hold counts the model\'s most output, 5 tokens; setting max_tokens lowers it). It resets at 2026-02-01T00:00:00.000Z',
    );
  });

  it('announces 50/80/100% once each per window', () => {
    const { g, events } = guard({ routes: { chat: { monthlyUsd: 100 } } });
    const spend = (outputTokens: number) =>
      g.settle(g.reserve(call({ promptTokens: 0, outputTokens })), undefined, false);
    spend(20); // $40
    expect(events).toEqual([]);
    spend(5); // $50
    spend(15); // $80
    spend(5); // $90
    expect(events.map((e) => e.type === 'budget_threshold' && e.threshold)).toEqual([0.5, 0.8]);
    spend(5); // $100
    expect(events.at(-1)).toMatchObject({
      type: 'budget_threshold',
      scope: 'route',
      name: 'chat',
      window: 'month',
      threshold: 1,
      spentUsd: 100,
      limitUsd: 100,
    });
    expect(thrown(() => g.reserve(call())).code).toBe('budget_exceeded');
  });

  it('resets spend, reservations and thresholds together when the window turns', async () => {
    const { g, events, clock } = guard({ total: { dailyUsd: 30, monthlyUsd: 1000 } });
    g.settle(g.reserve(call()), undefined, false); // $22.50 spent today
    expect(events).toHaveLength(1);
    expect(thrown(() => g.reserve(call())).code).toBe('budget_exceeded');
    await clock.advance(3_600_000); // midnight UTC, and a new month
    g.settle(g.reserve(call()), undefined, false);
    expect(g.report()).toEqual({
      'total|*|day': { spentUsd: 22.5, reservedUsd: 0, window: '2026-02-01' },
      'total|*|month': { spentUsd: 22.5, reservedUsd: 0, window: '2026-02' },
    });
    expect(events.filter((e) => e.type === 'budget_threshold')).toHaveLength(2);
  });

  it('gives a reservation back when the call is not sent', () => {
    const { g } = guard({ total: { dailyUsd: 25 } });
    const hold = g.reserve(call());
    g.release(hold);
    g.release(hold);
    g.reserve(call());
    expect(g.report()['total|*|day']).toMatchObject({ spentUsd: 0, reservedUsd: 22.5 });
  });

  it('charges unknown usage its worst case and a part-way failure its full output', () => {
    const { g } = guard({ total: { dailyUsd: 1000 } });
    expect(g.settle(g.reserve(call()), undefined, true)).toBe(22.5);
    expect(g.settle(g.reserve(call()), usage({ inputTokens: 10, outputTokens: 1 }), false)).toBe(
      20,
    );
  });

  it('prices unknown models at the fallback price, and says so once', () => {
    const { g, events } = guard({ total: { dailyUsd: 1000 } });
    const hold = g.reserve(call({ model: 'mystery', promptTokens: 1_000_000, outputTokens: 0 }));
    g.reserve(call({ model: 'mystery' }));
    expect(hold.worstUsd).toBe(18.75);
    expect(events).toEqual([{ type: 'unpriced_model', target: 'p/mystery' }]);
  });

  it('lets a free model through an exhausted budget; "*" gives each route its own', () => {
    const { g } = guard({ routes: { '*': { dailyUsd: 20 } } });
    expect(thrown(() => g.reserve(call())).code).toBe('budget_exceeded');
    g.reserve(call({ model: 'free-model' }));
    g.reserve(call({ route: 'other', outputTokens: 1, promptTokens: 1 }));
    expect(Object.keys(g.report())).toEqual(['route|chat|day', 'route|other|day']);
  });
});
