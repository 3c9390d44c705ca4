import { describe, expect, it } from 'vitest';
import { behaviourFor } from './scenario.ts';
import { ScenarioError } from './scenario-error.ts';
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
      'scenario: models["gpt-4.1"].faults[0].probability: expected a number between 0 and 1, got nothing',
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
    ).toThrow(
      'default.faults[0].delayMs: unknown option "delayMs" (allowed here: kind, probability, dialect)',
    );
  });

  it('lists every problem at once, each at its field, with a guess for a misspelt name', () => {
    let error: ScenarioError | undefined;
    try {
      parseScenario({
        seed: -1,
        defualt: {},
        models: {
          'gpt-4o': {
            latency: { fixedMs: '5' },
            outputTokens: { min: 9, max: 3 },
            faults: [{ kind: 'explode', probability: 1 }],
            down: [{ fromS: 10, toS: 5 }],
          },
        },
      });
    } catch (e) {
      error = e as ScenarioError;
    }
    expect(error).toBeInstanceOf(ScenarioError);
    expect(error!.issues).toEqual([
      { field: 'seed', problem: 'expected an integer between 0 and 4294967295, got -1' },
      { field: 'models["gpt-4o"].latency.fixedMs', problem: 'expected a number >= 0, got "5"' },
      {
        field: 'models["gpt-4o"].outputTokens.max',
        problem: 'expected an integer >= 9 (min), got 3',
      },
      {
        field: 'models["gpt-4o"].faults[0].kind',
        problem: expect.stringMatching(/^expected one of status, hang, .*, got "explode"$/),
      },
      { field: 'models["gpt-4o"].down[0].toS', problem: 'expected a number >= 10 (fromS), got 5' },
      {
        field: 'defualt',
        problem:
          'unknown option "defualt" — did you mean "default"? (allowed here: seed, apiKeys, default, models)',
      },
    ]);
    expect(error!.field).toBe('seed');
    expect(error!.message).toMatch(/^scenario: 6 problems:\n {2}seed: expected an integer/);
  });

  it('reads a named model left empty as the default, and refuses a scenario that is not a mapping', () => {
    const s = parseScenario({ default: { toolCall: true }, models: { 'gpt-4o': null } });
    expect(behaviourFor(s, 'gpt-4o').behaviour).toEqual(s.default);
    expect(() => parseScenario(['a'])).toThrow('scenario: (root): expected a mapping, got a list');
    expect(() => parseScenario({ default: { outputTokens: 'many' } })).toThrow(
      'default.outputTokens: expected an integer, or { min, max }, got "many"',
    );
  });
});
