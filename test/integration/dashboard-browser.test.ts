/**
 * The status page in a real headless Chromium (Debian's `chromium`, driven by playwright-core;
 * .ci/run installs it) while the simulator injects faults: the page, refreshing by itself, first
 * shows a healthy target, then — once the target fails every call — its breaker open and its
 * error rate rising. A screenshot of that is saved under artifacts/ (gitignored) and its path
 * printed. In CI a missing Chromium fails this test; elsewhere it is skipped.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Scenario } from '../../src/mock/index.ts';
import { type Stack, startStack } from './gateway-harness.ts';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = new URL('../../artifacts/', import.meta.url).pathname;
const present = existsSync(CHROMIUM);
if (!present && process.env.CI) {
  throw new Error(`${CHROMIUM} is missing: CI installs Debian's chromium package (.ci/run)`);
}

const TARGET = 'openai/gpt-flaky';
const HEALTHY: Scenario = { seed: 8, default: { outputTokens: 6, latency: { fixedMs: 5 } } };
const FAILING: Scenario = {
  ...HEALTHY,
  models: { 'gpt-flaky': { faults: [{ kind: 'status', status: 503, probability: 1 }] } },
};

let stack: Stack;
let profile: string;
let context: BrowserContext;
let page: Page;

async function ask(count: number): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < count; i++) {
    const res = await fetch(`${stack.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'chat', messages: [{ role: 'user', content: 'Hi' }] }),
    });
    await res.text();
    statuses.push(res.status);
  }
  return statuses;
}

const card = () => page.locator(`article[data-target="${TARGET}"]`);

describe.skipIf(!present)('the status page in Chromium', () => {
  beforeAll(async () => {
    stack = await startStack({
      scenario: HEALTHY,
      routes: { chat: { tiers: [TARGET] } },
      policy: {
        retry: { maxAttempts: 1 },
        timeouts: { connectMs: 1_000, firstByteMs: 1_000, idleMs: 1_000, deadlineMs: 3_000 },
      },
      breaker: { failureThreshold: 4, minimumCalls: 4, failureRate: 0.3, openMs: 300_000 },
      logLevel: 'warn',
    });
    profile = await mkdtemp(join(tmpdir(), 'bw-chromium-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
      viewport: { width: 1280, height: 900 },
    });
    page = context.pages()[0] ?? (await context.newPage());
  }, 60_000);

  afterAll(async () => {
    await context?.close();
    await stack?.close();
    if (profile) await rm(profile, { recursive: true, force: true });
  });

  it('shows an open breaker and a rising error rate while the target fails', async () => {
    expect(await ask(6)).toEqual([200, 200, 200, 200, 200, 200]);
    await page.goto(`${stack.url}/dashboard`);
    await card().waitFor();
    expect(await card().getAttribute('data-breaker')).toBe('closed');
    expect(Number(await card().getAttribute('data-error-rate'))).toBe(0);
    expect(await page.locator('[data-stat="requests"]').textContent()).toMatch(/\/s$/);

    stack.mock.setScenario(FAILING);
    const statuses = await ask(8);
    expect(statuses.filter((s) => s === 503).length).toBe(8);

    // The page refreshes by itself: no reload.
    await page.locator(`article[data-target="${TARGET}"][data-breaker="open"]`).waitFor({
      timeout: 15_000,
    });
    const rate = Number(await card().getAttribute('data-error-rate'));
    expect(rate).toBeGreaterThan(0.3);
    expect(await card().getAttribute('data-trend')).toBe('rising');
    expect(await card().locator('.breaker').textContent()).toMatch(/^open · probe in \d+ s$/);
    expect(await card().locator('.rising').textContent()).toContain('rising');
    const chip = await card().locator('[data-errors="provider5xx"]').textContent();
    expect(Number(chip?.split(': ')[1])).toBeGreaterThan(0);
    expect(await page.locator('[data-stat="breakers open"]').textContent()).toBe('1 / 1');

    await mkdir(ARTIFACTS, { recursive: true });
    const shot = join(ARTIFACTS, 'dashboard-open-breaker.png');
    await page.screenshot({ path: shot, fullPage: true });
    console.log(`status page screenshot: ${shot}`);
    expect(existsSync(shot)).toBe(true);
  });
});
