/**
 * Alert webhooks against receivers on 127.0.0.1: budget thresholds (50/80/100%, each once per
 * window) and breaker transitions POSTed as JSON or as a Slack body; a receiver that answers 503
 * is retried with backoff (on a manual clock) until it takes the alert; one that is down or
 * never answers costs the requests nothing — they are answered while its deliveries are still
 * being retried or waited on.
 */
import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../../src/core/clock.ts';
import { appInfo } from '../../src/telemetry/app-info.ts';
import { type Alert, AlertWebhooks } from '../../src/telemetry/webhooks.ts';
import { type Stack, startStack } from './gateway-harness.ts';

interface Receiver {
  url: string;
  bodies: Record<string, unknown>[];
  /** Requests that arrived, answered or not. */
  arrived: number;
  close(): Promise<void>;
}

/** Answers each POST with the next of `statuses` (the last one repeats); `hang` never answers. */
async function receiver(statuses: (number | 'hang')[] = [200]): Promise<Receiver> {
  const bodies: Record<string, unknown>[] = [];
  const r = { arrived: 0 } as Receiver;
  const server: Server = createServer((req, res) => {
    let text = '';
    req.on('data', (chunk) => (text += chunk));
    req.on('end', () => {
      const status = statuses[Math.min(r.arrived, statuses.length - 1)]!;
      r.arrived++;
      if (status === 'hang') return;
      if (status < 300) bodies.push(JSON.parse(text) as Record<string, unknown>);
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  r.url = `http://127.0.0.1:${(server.address() as { port: number }).port}/hook`;
  r.bodies = bodies;
  r.close = async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  };
  return r;
}

/** A URL nothing listens on: a receiver that is down. */
async function downUrl(): Promise<string> {
  const r = await receiver();
  await r.close();
  return r.url;
}

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

const info = appInfo({ environment: 'hook-test', buildId: 'b9' });
const alert: Alert = {
  event: 'breaker_open',
  kind: 'breaker',
  severity: 'critical',
  summary: 'breakwater: circuit opened for openai/gpt-4o',
  at: Date.UTC(2026, 0, 2),
  details: { target: 'openai/gpt-4o' },
};
const hook = (url: string, extra = {}) => ({
  url,
  format: 'json' as const,
  events: ['budget' as const, 'breaker' as const],
  timeoutMs: 2_000,
  maxAttempts: 4,
  ...extra,
});

describe('alert webhooks', () => {
  it('POST a JSON body with the tags, or a Slack-compatible one', async () => {
    const json = await receiver();
    const slack = await receiver();
    cleanup.push(json.close, slack.close);
    const hooks = new AlertWebhooks([hook(json.url), hook(slack.url, { format: 'slack' })], {
      info,
    });
    hooks.send(alert);
    await hooks.idle();
    expect(json.bodies).toEqual([
      {
        source: 'breakwater',
        event: 'breaker_open',
        severity: 'critical',
        summary: 'breakwater: circuit opened for openai/gpt-4o',
        at: '2026-01-02T00:00:00.000Z',
        version: info.version,
        env: 'hook-test',
        buildId: 'b9',
        details: { target: 'openai/gpt-4o' },
      },
    ]);
    expect(slack.bodies).toEqual([
      { text: '[hook-test] breakwater: circuit opened for openai/gpt-4o' },
    ]);
  });

  it('retry a failing receiver with backoff until it takes the alert, and give up on a down one', async () => {
    const clock = new ManualClock(0);
    const flaky = await receiver([503, 503, 200]);
    cleanup.push(flaky.close);
    const outcomes: string[] = [];
    const hooks = new AlertWebhooks([hook(flaky.url), hook(await downUrl())], {
      info,
      clock,
      random: () => 1,
      onDelivery: (a, outcome) => outcomes.push(`${a.event} ${outcome}`),
    });
    cleanup.push(() => hooks.close());
    hooks.send(alert);
    // First tries fail; both queues then wait on the clock: 1 s, then 2 s, then 4 s.
    for (const waitMs of [1_000, 2_000, 4_000]) {
      await vi.waitFor(() => expect(clock.pending).toBeGreaterThan(0));
      await clock.advance(waitMs);
    }
    await hooks.idle();
    expect(flaky.arrived).toBe(3);
    expect(flaky.bodies).toHaveLength(1);
    expect(outcomes.sort()).toEqual(['breaker_open delivered', 'breaker_open failed']);
  });

  it('send only the kinds a URL asked for', async () => {
    const budgetOnly = await receiver();
    cleanup.push(budgetOnly.close);
    const hooks = new AlertWebhooks([hook(budgetOnly.url, { events: ['budget'] })], { info });
    hooks.send(alert);
    await hooks.idle();
    expect(budgetOnly.arrived).toBe(0);
  });
});

describe('webhooks at the gateway', () => {
  let stack: Stack | undefined;
  afterEach(async () => {
    await stack?.close();
    stack = undefined;
  });

  it('announce budget thresholds once each and a breaker opening, never delaying a request', async () => {
    const good = await receiver();
    const hanging = await receiver(['hang']);
    cleanup.push(good.close, hanging.close);
    const clock = new ManualClock(Date.now());
    stack = await startStack({
      listen: false,
      scenario: {
        seed: 4,
        default: { outputTokens: 50 },
        models: { 'gpt-500': { faults: [{ kind: 'status', status: 500, probability: 1 }] } },
      },
      routes: { chat: { tiers: ['openai/gpt-4o-mini'] }, broken: { tiers: ['openai/gpt-500'] } },
      policy: {
        retry: { maxAttempts: 1 },
        timeouts: { connectMs: 1_000, firstByteMs: 1_000, idleMs: 1_000, deadlineMs: 3_000 },
      },
      breaker: { failureThreshold: 2, minimumCalls: 2, failureRate: 0.5 },
      // gpt-4o-mini at $0.60 per million output tokens: each answer of 50 tokens is $0.00003.
      budgets: { routes: { chat: { dailyUsd: 0.0001 } }, thresholds: [0.5, 0.8, 1] },
      telemetry: {
        webhooks: [
          { url: good.url },
          { url: await downUrl(), maxAttempts: 5 },
          { url: hanging.url, timeoutMs: 600_000, format: 'slack' },
        ],
      },
      gateway: { instrument: { clock } },
    });
    const ask = (model: string) =>
      stack!.app.inject({
        method: 'POST',
        url: '/v1/chat/completions',
        headers: { 'content-type': 'application/json' },
        payload: { model, messages: [{ role: 'user', content: 'Hi' }], max_tokens: 50 },
      });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await ask('chat')).statusCode);
    for (let i = 0; i < 3; i++) statuses.push((await ask('broken')).statusCode);
    // Every request was answered as usual, while the down URL waits to retry and the hanging
    // one has not answered its first delivery.
    expect(statuses.slice(0, 3)).toEqual([200, 200, 200]);
    expect(statuses.slice(4)).toEqual([500, 500, 503]);
    await vi.waitFor(() => expect(hanging.arrived).toBeGreaterThan(0));
    await vi.waitFor(() => expect(clock.pending).toBeGreaterThan(0));
    await vi.waitFor(() => expect(good.bodies).toHaveLength(3));
    const events = good.bodies.map((b) => [
      b.event,
      (b.details as { threshold?: number }).threshold,
    ]);
    expect(events).toEqual([
      ['budget_threshold', 0.5],
      ['budget_threshold', 0.8],
      ['breaker_open', undefined],
    ]);
    expect(good.bodies[2]).toMatchObject({ details: { target: 'openai/gpt-500', to: 'open' } });
    const metrics = await stack.app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.body).toMatch(
      /breakwater_webhook_deliveries_total\{event="breaker_open",outcome="delivered"\} 1/,
    );
  });
});
