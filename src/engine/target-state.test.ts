import { describe, expect, it } from 'vitest';
import { resolveTarget } from '../config/config-resolve.ts';
import { ManualClock } from '../core/clock.ts';
import type { BreakerTicket } from '../policy/breaker.ts';
import { testConfig } from './engine.fixture.ts';
import { TargetRegistry, type TargetState } from './target-state.ts';

const config = testConfig(
  { chat: { tiers: ['openai/gpt-4o'] } },
  { policy: { breaker: { minimumCalls: 1, failureThreshold: 1, failureRate: 0.5 } } },
);
const target = (id: string) => resolveTarget(config, id)!;

function registry(maxUnnamed = 3) {
  const clock = new ManualClock(1_000_000);
  const targets = new TargetRegistry(clock, { named: new Set(['openai/gpt-4o']), maxUnnamed });
  const get = (id: string) => targets.get(target(id), config.policy);
  const ids = () => [...targets.all()].map((s) => s.target.id);
  return { clock, targets, get, ids };
}

function open(state: TargetState): void {
  state.breaker.failure(state.breaker.admit() as BreakerTicket);
  expect(state.breaker.state).toBe('open');
}

describe('TargetRegistry', () => {
  it('keeps at most the bound of unnamed targets, dropping the least recently used', () => {
    const { get, ids, targets } = registry();
    get('openai/gpt-4o');
    for (const model of ['a', 'b', 'c']) get(`openai/${model}`);
    get('openai/a'); // used again: b is now the oldest
    get('openai/d');
    expect(ids()).toEqual(['openai/gpt-4o', 'openai/c', 'openai/a', 'openai/d']);
    expect(targets.unnamedCount).toBe(3);
  });

  it('keeps the targets routes name whatever the number of others', () => {
    const { get, ids } = registry(1);
    const named = get('openai/gpt-4o');
    for (let i = 0; i < 10; i++) get(`openai/m${i}`);
    expect(ids()).toEqual(['openai/gpt-4o', 'openai/m9']);
    expect(get('openai/gpt-4o')).toBe(named);
  });

  it('never drops a target whose breaker is open, and refuses a new one when all are', () => {
    const { get, ids } = registry(2);
    open(get('openai/a'));
    get('openai/b');
    get('openai/c'); // b goes, a stays open
    expect(ids()).toEqual(['openai/a', 'openai/c']);
    open(get('openai/c'));
    let refusal: unknown;
    try {
      get('openai/d');
    } catch (err) {
      refusal = err;
    }
    expect(refusal).toMatchObject({ code: 'unavailable', status: 503 });
    expect((refusal as { retryAfterMs: number }).retryAfterMs).toBeGreaterThan(0);
    expect(ids()).toEqual(['openai/a', 'openai/c']);
  });
});
