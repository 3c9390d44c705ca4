import { describe, expect, it } from 'vitest';
import { behaviourFor } from './scenario.ts';
import { ScenarioError } from './scenario-fields.ts';
import { parseScenario } from './scenario-parse.ts';

describe('parseScenario', () => {
  it('fills defaults for an empty scenario', () => {
    const s = parseScenario({});
    expect(s.seed).toBeUndefined();
    expect(s.default).toMatchObject({
      latency: { fixedMs: 0, jitterMs: 0, perTokenMs: 0 },
      toolCall: false,
      faults: [],
      down: [],
    });
    expect(parseScenario(null).default).toEqual(s.default);
  });

  it('lays named models over default: latency by field, lists replaced', () => {
    const s = parseScenario({
      default: {
        latency: { fixedMs: 50, jitterMs: 10 },
        faults: [{ kind: 'hang', probability: 0.1 }],
        rateLimits: { rpm: 60 },
      },
      models: { 'gpt-4o': { latency: { fixedMs: 5 }, faults: [] }, 'claude-*': { toolCall: true } },
    });
    const gpt = behaviourFor(s, 'gpt-4o');
    expect(gpt.behaviour.latency).toEqual({ fixedMs: 5, jitterMs: 10, perTokenMs: 0 });
    expect(gpt.behaviour.faults).toEqual([]);
    expect(gpt.behaviour.rateLimits).toEqual({ rpm: 60 });
    expect(gpt.poolKey).toBe('gpt-4o');
    const claude = behaviourFor(s, 'claude-haiku-4-5');
    expect(claude.behaviour.toolCall).toBe(true);
    expect(claude.behaviour.faults).toHaveLength(1);
    expect(claude.poolKey).toBe('claude-*');
    expect(behaviourFor(s, 'other').behaviour).toBe(s.default);
  });

  it('reads outputTokens as a number or a range, and down windows without an end', () => {
    const s = parseScenario({
      default: { outputTokens: 7, down: [{ fromS: 5 }] },
      models: { a: { outputTokens: { min: 1, max: 3 } } },
    });
    expect(s.default.outputTokens).toEqual({ min: 7, max: 7 });
    expect(s.default.down).toEqual([{ fromS: 5, toS: Number.POSITIVE_INFINITY }]);
    expect(behaviourFor(s, 'a').behaviour.outputTokens).toEqual({ min: 1, max: 3 });
  });

  it('refuses fault probabilities adding past 1 for a dialect', () => {
    const over = () =>
      parseScenario({
        default: {
          faults: [
            { kind: 'hang', probability: 0.6 },
            { kind: 'reset', probability: 0.6, dialect: 'openai' },
          ],
        },
      });
    expect(over).toThrow(ScenarioError);
    expect(over).toThrow('default.faults: probabilities add up to 1.2 for openai');
  });

  it('names fields with brackets when they are not identifiers', () => {
    const error = (() => {
      try {
        parseScenario({ models: { 'gpt-4.1': { faults: [{ kind: 'status', status: 500 }] } } });
      } catch (e) {
        return e as ScenarioError;
      }
    })();
    expect(error?.field).toBe('models["gpt-4.1"].faults[0].probability');
    expect(error?.message).toBe(
      'scenario: models["gpt-4.1"].faults[0].probability: expected a number between 0 and 1, got undefined',
    );
  });

  it('reads the late-2026 fault kinds and checks their fields', () => {
    const { default: d } = parseScenario({
      default: {
        faults: [
          { kind: 'slow_down', probability: 0.1, retryAfterS: 2 },
          { kind: 'billing', probability: 0.1, code: 'project_spend_limit_exceeded' },
          { kind: 'server_overloaded', probability: 0.1 },
          { kind: 'cdn_error', probability: 0.1, status: 522 },
          { kind: 'overloaded_event', probability: 0.1, dialect: 'anthropic' },
        ],
      },
    });
    expect(d.faults).toEqual([
      { kind: 'slow_down', probability: 0.1, retryAfterS: 2 },
      { kind: 'billing', probability: 0.1, code: 'project_spend_limit_exceeded' },
      { kind: 'server_overloaded', probability: 0.1 },
      { kind: 'cdn_error', probability: 0.1, status: 522 },
      { kind: 'overloaded_event', probability: 0.1, dialect: 'anthropic' },
    ]);
    expect(() =>
      parseScenario({ default: { faults: [{ kind: 'cdn_error', probability: 1, status: 500 }] } }),
    ).toThrow('default.faults[0].status: expected one of 520, 521, 522, 523, 524, got 500');
    expect(() =>
      parseScenario({ default: { faults: [{ kind: 'billing', probability: 1, code: 'broke' }] } }),
    ).toThrow(
      'default.faults[0].code: expected one of insufficient_quota, credit_balance_exhausted',
    );
  });

  it('refuses fields a fault kind does not take', () => {
    expect(() =>
      parseScenario({ default: { faults: [{ kind: 'hang', probability: 1, delayMs: 5 }] } }),
    ).toThrow('default.faults[0].delayMs: unknown field');
  });
});
