import { describe, expect, it } from 'vitest';
import { formatPath } from './config-error.ts';
import { limiterOptionsFrom, parseBudgetsSection, parseCatalogSection } from './limits-budgets.ts';
import { maxTokensPolicyFor, parseLimitsSection } from './limits-config.ts';

const problems = (issues: readonly { path: readonly (string | number)[]; message: string }[]) =>
  issues.map((i) => `${formatPath(i.path)}: ${i.message}`);

describe('limits section', () => {
  it('reads rules, queue, adaptive pacing and route policies; numbers may be strings (from env interpolation)', () => {
    const { value, issues } = parseLimitsSection({
      targets: {
        'openai/gpt-4o-mini': { rpm: '600', tpm: 60000 },
        'anthropic/claude-opus-4*': { itpm: 30000, otpm: 8000, shared: 'true', per: 'target' },
        '*': { maxConcurrent: 64 },
      },
      queue: { maxDepth: 128 },
      adaptive: { decrease: 0.5 },
      routes: {
        '*': { defaultMaxTokens: 2048 },
        chat: { maxTokens: 1000, overMaxTokens: 'reject' },
      },
    });
    expect(issues).toEqual([]);
    expect(value.limiter).toEqual({
      targets: {
        'openai/gpt-4o-mini': { rpm: 600, tpm: 60000 },
        'anthropic/claude-opus-4*': { itpm: 30000, otpm: 8000, shared: true, per: 'target' },
        '*': { maxConcurrent: 64 },
      },
      queue: { maxDepth: 128 },
      adaptive: { decrease: 0.5 },
    });
    // `*` gives each route the fields it does not set itself.
    expect(maxTokensPolicyFor(value, 'chat')).toEqual({
      maxTokens: 1000,
      overMaxTokens: 'reject',
      defaultMaxTokens: 2048,
    });
    expect(maxTokensPolicyFor(value, 'other')).toEqual({ defaultMaxTokens: 2048 });
  });

  it('names every problem by its path', () => {
    const { issues } = parseLimitsSection(
      {
        targets: {
          'gpt-4o': { rpm: 10 },
          'openai/*-mini': { rpm: 10 },
          'azure/gpt-4o': { rpm: 10 },
          'openai/gpt-4o': { rpm: 0, tmp: 5, per: 'org' },
        },
        queue: { maxDepth: -1 },
        routes: { chat: { overMaxTokens: 'truncate' } },
        extra: true,
      },
      { providers: ['openai', 'anthropic'] },
    );
    // Every problem, in any order.
    expect(problems(issues).sort()).toEqual(
      [
        'limits.extra: unknown option "extra" (allowed here: targets, queue, adaptive, learnFromHeaders, assumedOutputTokens, leaseGraceMs, routes)',
        'limits.targets.gpt-4o: a target pattern is provider/model, provider/prefix*, provider/* or *',
        'limits.targets["openai/*-mini"]: a "*" may only end a pattern (provider/prefix*)',
        'limits.targets["azure/gpt-4o"]: unknown provider "azure" — providers are: openai, anthropic',
        'limits.targets["openai/gpt-4o"].tmp: unknown option "tmp" — did you mean "tpm"? (allowed here: rpm, tpm, itpm, otpm, maxConcurrent, per, shared, outputCharge)',
        'limits.targets["openai/gpt-4o"].rpm: expected a number above 0 to 1000000000000 (per minute), got 0',
        'limits.targets["openai/gpt-4o"].per: expected one of key, target, got "org"',
        'limits.routes.chat.overMaxTokens: expected one of clamp, reject, got "truncate"',
        'limits.queue.maxDepth: expected an integer from 0 to 1000000 (requests), got -1',
      ].sort(),
    );
  });

  it('is empty when absent', () => {
    expect(parseLimitsSection(undefined)).toEqual({
      value: { limiter: { targets: {} }, routes: {} },
      issues: [],
    });
  });
});

describe('budgets and catalog sections', () => {
  it('reads budgets per route, tenant and in total, with thresholds', () => {
    const { value, issues } = parseBudgetsSection({
      routes: { chat: { dailyUsd: 50, monthlyUsd: '1000' } },
      tenants: { '*': { dailyUsd: 5 } },
      total: { monthlyUsd: 5000 },
      thresholds: [0.5, 0.9],
      unpricedModel: { inputUsdPerMTok: 10, outputUsdPerMTok: 30 },
    });
    expect(issues).toEqual([]);
    expect(value).toEqual({
      routes: { chat: { dailyUsd: 50, monthlyUsd: 1000 } },
      tenants: { '*': { dailyUsd: 5 } },
      total: { monthlyUsd: 5000 },
      thresholds: [0.5, 0.9],
      unpricedModel: {
        inputUsdPerMTok: 10,
        outputUsdPerMTok: 30,
        cachedInputUsdPerMTok: 10,
        cacheWriteUsdPerMTok: 10,
      },
    });
  });

  it('names budget and catalog problems by path', () => {
    const budgets = parseBudgetsSection({
      tenants: { a: { daily: 5 }, b: {} },
      thresholds: 0.8,
      unpricedModel: { inputUsdPerMTok: 1 },
    });
    expect(problems(budgets.issues).sort()).toEqual(
      [
        'budgets.thresholds: expected a list of shares such as [0.5, 0.8, 1], got 0.8',
        'budgets.tenants.a.daily: unknown option "daily" (allowed here: dailyUsd, monthlyUsd)',
        'budgets.tenants.b: set dailyUsd, monthlyUsd or both, e.g. { dailyUsd: 50 }',
        'budgets.unpricedModel: needs at least inputUsdPerMTok and outputUsdPerMTok',
      ].sort(),
    );
    const catalog = parseCatalogSection({
      'groq/llama': { inputUsdPerMTok: -1, contextWindow: 1.5 },
    });
    expect(problems(catalog.issues).sort()).toEqual(
      [
        'catalog["groq/llama"].inputUsdPerMTok: expected a number from 0 to 1000000 (US dollars per million tokens), got -1',
        'catalog["groq/llama"].contextWindow: expected an integer from 1 to 1000000000 (tokens), got 1.5',
      ].sort(),
    );
  });

  it('turns the three sections into limiter options', () => {
    const limits = parseLimitsSection({ targets: { 'openai/gpt-4o': { tpm: 1000 } } });
    const budgets = parseBudgetsSection({ total: { dailyUsd: 10 } });
    const catalog = parseCatalogSection({ 'gpt-4o': { outputUsdPerMTok: 12 } });
    expect([...limits.issues, ...budgets.issues, ...catalog.issues]).toEqual([]);
    const config = { limits: limits.value, budgets: budgets.value, catalog: catalog.value };
    expect(limiterOptionsFrom(config)).toEqual({
      targets: { 'openai/gpt-4o': { tpm: 1000 } },
      budgets: { total: { dailyUsd: 10 } },
      catalog: { 'gpt-4o': { outputUsdPerMTok: 12 } },
    });
  });
});
