/**
 * The metrics move as the simulator's faults say they should: a success, a stream, a provider
 * 429, retried 500s, a fallback to the next tier, a cached and a static answer, a breaker that
 * opens, the limiter refusing, a budget spent and then refusing, a malformed body — each shows
 * in its own counter, with breakwater's own refusals (`origin="breakwater"`) apart from the
 * provider's answers, and with labels bounded (a model nobody configured is `openai/other`).
 * Then who may read /metrics, /status and /dashboard/data: everyone at a gateway without client
 * keys; with client keys, the admin key sees everything and a client key its own tenant only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashKey } from '../../src/config/config-telemetry.ts';
import type { Scenario } from '../../src/mock/index.ts';
import { type Stack, startStack } from './gateway-harness.ts';
import { has, parseMetrics, type Sample, total } from './prometheus-text.ts';

const ROUTES = {
  chat: { tiers: ['openai/gpt-4o-mini'] },
  fallback: { tiers: ['openai/gpt-down', 'openai/gpt-4o-mini'] },
  cached: { tiers: ['openai/gpt-flaky'], policy: { cache: { mode: 'fallback' as const } } },
  static: { tiers: ['openai/gpt-500'], staticMessage: 'busy, try later' },
  limited: { tiers: ['openai/gpt-limited'] },
  budgeted: { tiers: ['openai/gpt-4o-mini'] },
  throttled: { tiers: ['openai/gpt-429'] },
};

const SCENARIO: Scenario = {
  seed: 11,
  default: { outputTokens: 8 },
  models: {
    'gpt-500': { faults: [{ kind: 'status', status: 500, probability: 1 }] },
    'gpt-429': {
      faults: [{ kind: 'status', status: 429, retryAfterS: 5, probability: 1 }],
    },
    'gpt-down': { down: [{ fromS: 0, status: 503 }] },
  },
};

let stack: Stack;

async function metrics(headers: Record<string, string> = {}): Promise<Sample[]> {
  const res = await stack.app.inject({ method: 'GET', url: '/metrics', headers });
  expect(res.statusCode).toBe(200);
  expect(res.headers['content-type']).toContain('text/plain');
  return parseMetrics(res.body);
}

function ask(model: string, extra: Record<string, unknown> = {}) {
  return stack.app.inject({
    method: 'POST',
    url: '/v1/chat/completions',
    headers: { 'content-type': 'application/json' },
    payload: { model, messages: [{ role: 'user', content: 'Hi' }], max_tokens: 16, ...extra },
  });
}

describe('metrics under the simulator’s faults', () => {
  beforeAll(async () => {
    stack = await startStack({
      scenario: SCENARIO,
      routes: ROUTES,
      listen: false,
      policy: {
        retry: { maxAttempts: 2, baseMs: 5, capMs: 10, maxRetryDelayMs: 50 },
        timeouts: { connectMs: 1_000, firstByteMs: 1_000, idleMs: 1_000, deadlineMs: 3_000 },
      },
      breaker: { failureThreshold: 2, minimumCalls: 2, failureRate: 0.5 },
      limits: { targets: { 'openai/gpt-limited': { rpm: 1 } } },
      budgets: { routes: { budgeted: { dailyUsd: 0.0005 } } },
      telemetry: { environment: 'metrics-test', buildId: 'b1' },
    });
  });
  afterAll(async () => {
    await stack.close();
  });

  it('counts every decision where it belongs', async () => {
    expect((await ask('chat')).statusCode).toBe(200);
    const streamed = await ask('chat', { stream: true });
    expect(streamed.body).toContain('[DONE]');
    expect((await ask('throttled')).statusCode).toBe(429);
    expect((await ask('fallback')).json().breakwater).toBeUndefined();
    // Cached: a good answer stored, then the target fails and the stored one is served.
    expect((await ask('cached')).statusCode).toBe(200);
    stack.mock.setScenario({
      ...SCENARIO,
      models: { ...SCENARIO.models, 'gpt-flaky': { down: [{ fromS: 0, status: 500 }] } },
    });
    expect((await ask('cached')).headers['x-breakwater-fallback']).toBe('cache');
    // Static: the target fails every time (retried once), then its breaker opens.
    for (let i = 0; i < 3; i++) expect((await ask('static')).statusCode).toBe(200);
    // The limiter: one call a minute; the second would wait past its deadline.
    expect((await ask('limited')).statusCode).toBe(200);
    const refused = await ask('limited');
    expect(refused.statusCode).toBe(429);
    // The budget: a small call fits; one that may cost more than what is left is refused.
    expect((await ask('budgeted')).statusCode).toBe(200);
    expect((await ask('budgeted', { max_tokens: 4000 })).json().error.code).toBe('budget_exceeded');
    expect((await ask('chat', { messages: 'not a list' })).statusCode).toBe(400);
    expect((await ask('openai/gpt-unlisted-0042')).statusCode).toBe(200);

    const m = await metrics();
    const ok = { outcome: 'ok', origin: 'none', status_class: '2xx' };
    expect(total(m, 'breakwater_requests_total', { route: 'chat', ...ok })).toBe(2);
    expect(total(m, 'breakwater_request_duration_seconds_count', { route: 'chat' })).toBe(2);
    expect(total(m, 'breakwater_time_to_first_token_seconds_count', { route: 'chat' })).toBe(1);
    expect(total(m, 'breakwater_tokens_total', { route: 'chat', type: 'output' })).toBe(16);
    expect(total(m, 'breakwater_tokens_total', { route: 'chat', type: 'input' })).toBeGreaterThan(
      0,
    );
    expect(total(m, 'breakwater_cost_usd_total', { route: 'chat' })).toBeGreaterThan(0);

    // The provider's 429, answered as the provider's.
    expect(
      total(m, 'breakwater_upstream_attempts_total', {
        target: 'openai/gpt-429',
        status: '429',
        origin: 'provider',
      }),
    ).toBe(1);
    expect(
      total(m, 'breakwater_requests_total', {
        route: 'throttled',
        code: 'rate_limited',
        origin: 'provider',
        status_class: '4xx',
      }),
    ).toBe(1);
    // breakwater's own 429 (the limiter), apart from the provider's.
    expect(
      total(m, 'breakwater_requests_total', {
        route: 'limited',
        code: 'rate_limited',
        origin: 'breakwater',
        status_class: '4xx',
      }),
    ).toBe(1);
    expect(
      total(m, 'breakwater_limiter_rejections_total', {
        target: 'openai/gpt-limited',
        code: 'rate_limited',
      }),
    ).toBe(1);
    expect(total(m, 'breakwater_limiter_wait_seconds_count')).toBeGreaterThan(0);
    expect(has(m, 'breakwater_limiter_queue_depth', { target: 'openai/gpt-limited' })).toBe(true);

    expect(
      total(m, 'breakwater_fallbacks_total', {
        route: 'fallback',
        from: 'openai/gpt-down',
        to: 'openai/gpt-4o-mini',
        why: 'unavailable',
      }),
    ).toBe(1);
    expect(
      total(m, 'breakwater_cache_hits_total', {
        route: 'cached',
        outcome: 'hit',
        purpose: 'fallback',
      }),
    ).toBe(1);
    expect(total(m, 'breakwater_fallbacks_total', { route: 'cached', to: 'cache' })).toBe(1);
    expect(total(m, 'breakwater_static_answers_total', { route: 'static' })).toBe(3);
    expect(total(m, 'breakwater_fallbacks_total', { route: 'static', to: 'static' })).toBe(3);
    expect(
      total(m, 'breakwater_retries_total', { target: 'openai/gpt-500', reason: 'server_error' }),
    ).toBeGreaterThan(0);
    expect(total(m, 'breakwater_breaker_state', { target: 'openai/gpt-500' })).toBe(2);
    expect(total(m, 'breakwater_breaker_state', { target: 'openai/gpt-4o-mini' })).toBe(0);
    expect(
      total(m, 'breakwater_breaker_transitions_total', { target: 'openai/gpt-500', to: 'open' }),
    ).toBe(1);
    expect(
      total(m, 'breakwater_upstream_attempts_total', {
        target: 'openai/gpt-500',
        result: 'skipped',
        code: 'circuit_open',
        origin: 'breakwater',
      }),
    ).toBeGreaterThan(0);

    expect(
      total(m, 'breakwater_budget_used_ratio', { scope: 'route', name: 'budgeted', window: 'day' }),
    ).toBeGreaterThan(0);
    expect(
      total(m, 'breakwater_requests_total', {
        route: 'budgeted',
        code: 'budget_exceeded',
        origin: 'breakwater',
      }),
    ).toBe(1);
    expect(
      total(m, 'breakwater_requests_total', {
        code: 'validation',
        origin: 'breakwater',
        status_class: '4xx',
      }),
    ).toBe(1);

    // Bounded labels: the unlisted model is its provider's `other`, never its own series.
    expect(total(m, 'breakwater_requests_total', { target: 'openai/other', ...ok })).toBe(1);
    expect(m.some((s) => Object.values(s.labels).some((v) => v.includes('unlisted')))).toBe(false);

    expect(total(m, 'breakwater_in_flight', { kind: 'requests' })).toBe(0);
    expect(total(m, 'breakwater_in_flight', { kind: 'streams' })).toBe(0);
    expect(has(m, 'breakwater_build_info', { env: 'metrics-test', build_id: 'b1' })).toBe(true);
    expect(has(m, 'process_cpu_seconds_total', {})).toBe(true);
  });
});

describe('who sees what', () => {
  const ADMIN = 'bw-admin-key-0123456789abcdef';
  const ACME = 'bw-acme-key-0123456789abcdef';
  const GLOBEX = 'bw-globex-key-0123456789abcdef';
  let keyed: Stack;
  const get = (url: string, key?: string) =>
    keyed.app.inject({
      method: 'GET',
      url,
      headers: key ? { authorization: `Bearer ${key}` } : {},
    });

  beforeAll(async () => {
    keyed = await startStack({
      listen: false,
      routes: { chat: { tiers: ['openai/gpt-4o-mini'] } },
      budgets: { tenants: { '*': { dailyUsd: 5 } } },
      gateway: {
        adminKeyHash: hashKey(ADMIN),
        clientKeys: [
          { id: 'acme', key: ACME, limits: { rpm: 100 } },
          { id: 'globex', key: GLOBEX },
        ],
      },
    });
    for (const key of [ACME, GLOBEX]) {
      const res = await keyed.app.inject({
        method: 'POST',
        url: '/v1/chat/completions',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
        payload: { model: 'chat', messages: [{ role: 'user', content: 'Hi' }], max_tokens: 8 },
      });
      expect(res.statusCode).toBe(200);
    }
  });
  afterAll(async () => {
    await keyed.close();
  });

  it('serves /metrics to the admin key only', async () => {
    expect((await get('/metrics')).statusCode).toBe(401);
    const client = await get('/metrics', ACME);
    expect(client.statusCode).toBe(403);
    expect(client.json().error.message).toContain("/metrics is for the gateway's operators");
    const admin = await get('/metrics', ADMIN);
    expect(admin.statusCode).toBe(200);
    expect(admin.body).toContain('breakwater_requests_total');
  });

  it('shows a client key its own tenant’s spend and quota, the admin key everything', async () => {
    const mine = (await get('/status', ACME)).json();
    expect(mine.tenant.id).toBe('acme');
    expect(Object.keys(mine.tenant.budgets)).toEqual(['tenant|acme|day']);
    expect(mine.tenant.quota.rpm).toMatchObject({ limit: 100 });
    expect(mine.limiter).toBeUndefined();
    expect(JSON.stringify(mine)).not.toContain('globex');
    const all = (await get('/status', ADMIN)).json();
    expect(all.tenant).toBeUndefined();
    expect(Object.keys(all.limiter.budgets).sort()).toEqual([
      'tenant|acme|day',
      'tenant|globex|day',
    ]);
  });

  it('scopes the status page’s figures the same way', async () => {
    expect((await get('/dashboard')).statusCode).toBe(200);
    expect((await get('/dashboard/data')).statusCode).toBe(401);
    const mine = (await get('/dashboard/data', GLOBEX)).json();
    expect(mine).toMatchObject({ scope: 'tenant', tenant: 'globex' });
    expect(mine.budgets.map((b: { name: string }) => b.name)).toEqual(['globex']);
    expect(mine.live.targets).toHaveLength(1);
    expect(mine.live.targets[0].requestRate).toBeCloseTo(1 / 60);
    expect(JSON.stringify(mine)).not.toContain('acme');
    const all = (await get('/dashboard/data', ADMIN)).json();
    expect(all.scope).toBe('all');
    expect(all.live.targets[0].requestRate).toBeCloseTo(2 / 60);
    expect(all.budgets).toHaveLength(2);
  });
});
