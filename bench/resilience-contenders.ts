/**
 * The callers the bench compares, each built against one simulator URL: breakwater through
 * `client.fetch` under the official OpenAI SDK (its own retries off), or the SDK alone with its
 * own retries. Each call reports whether it succeeded, how long it took and, if not, why.
 */
import OpenAI from 'openai';
import type { PolicyConfig } from '../src/config/config-types.ts';
import type { Clock } from '../src/core/clock.ts';
import { type BreakwaterConfig, createClient, type EngineCounters } from '../src/index.ts';
import { BreakerWatch } from './resilience-breaker-watch.ts';
import { type ContenderSpec, PRIMARY } from './resilience-scenarios.ts';

/** The SDK's per-request timeout in every drill (the issue's `hangs` baseline). */
export const SDK_TIMEOUT_MS = 10_000;

/** What every request asks: short, non-streaming, with `max_tokens` set as a careful app would. */
export const REQUEST = Object.freeze({
  messages: [{ role: 'user' as const, content: 'Name one thing that floats.' }],
  max_tokens: 32,
});

export interface CallResult {
  ok: boolean;
  latencyMs: number;
  /** Why it failed: `503`, `503 unavailable`, `timeout`, … */
  error?: string;
}

export interface RunningContender {
  call(): Promise<CallResult>;
  /** Open periods of the primary's breaker, when the spec asks to watch it. */
  watch: BreakerWatch | undefined;
  /** breakwater's running totals (hedges), read after the load. */
  counters?: () => EngineCounters;
  /**
   * The hedge delay breakwater would use now for a request on the primary — `delayFactor` × its
   * learned p95 time to a head, at least `minDelayMs` — or `undefined` while it has not learned
   * one (or hedging is off). Sampled during the load: a slow machine shows here as a long delay.
   */
  hedgeDelayMs?: () => number | undefined;
  close(): Promise<void>;
}

/** The config breakwater runs with: the production defaults, the drill's route, and `policy`. */
export function breakwaterConfig(
  baseUrl: string,
  tiers: readonly string[],
  policy?: PolicyConfig,
): BreakwaterConfig {
  return {
    providers: { openai: { baseUrl, apiKey: 'sk-bench' } },
    routes: { chat: policy ? { tiers, policy } : { tiers } },
  };
}

/**
 * `clock`: breakwater's engine runs on it (virtual time) and latency is read off it; the SDK's
 * own retries and timeouts run on real timers, so it has no virtual-time contender.
 */
export function startContender(
  spec: ContenderSpec,
  baseUrl: string,
  clock?: Clock,
): RunningContender {
  const now = clock ? () => clock.now() : () => performance.now();
  if (spec.kind === 'sdk') {
    if (clock) throw new Error('the official SDK runs on real time only');
    const sdk = new OpenAI({
      apiKey: 'sk-bench',
      baseURL: `${baseUrl}/v1`,
      maxRetries: spec.maxRetries,
      timeout: SDK_TIMEOUT_MS,
    });
    return {
      call: () => timed(() => sdk.chat.completions.create({ ...REQUEST, model: spec.model }), now),
      watch: undefined,
      close: async () => {},
    };
  }
  const client = createClient(breakwaterConfig(baseUrl, spec.tiers, spec.policy), { clock });
  const sdk = new OpenAI({
    apiKey: 'unused',
    baseURL: 'http://breakwater.invalid/v1',
    fetch: client.fetch,
    maxRetries: 0,
  });
  const watch = spec.watchBreaker
    ? new BreakerWatch(client.engine, `openai/${PRIMARY}`)
    : undefined;
  return {
    call: () => timed(() => sdk.chat.completions.create({ ...REQUEST, model: 'chat' }), now),
    watch,
    counters: () => client.engine.counters(),
    hedgeDelayMs: () => {
      const hedge = client.engine.config.routes.get('chat')?.policy.hedge;
      if (!hedge?.enabled) return undefined;
      for (const state of client.engine.targets()) {
        if (state.target.id !== `openai/${PRIMARY}`) continue;
        const p95 = state.heads.p95(false, REQUEST.max_tokens);
        return p95 === undefined ? undefined : Math.max(hedge.minDelayMs, hedge.delayFactor * p95);
      }
      return undefined;
    },
    close: async () => {
      watch?.dispose();
      await client.close();
    },
  };
}

async function timed(fn: () => Promise<unknown>, now: () => number): Promise<CallResult> {
  const started = now();
  try {
    await fn();
    return { ok: true, latencyMs: now() - started };
  } catch (error) {
    return { ok: false, latencyMs: now() - started, error: describe(error) };
  }
}

function describe(error: unknown): string {
  if (error instanceof OpenAI.APIConnectionTimeoutError) return 'timeout';
  if (error instanceof OpenAI.APIConnectionError) return 'connection error';
  if (error instanceof OpenAI.APIError) {
    const code = typeof error.code === 'string' ? ` ${error.code}` : '';
    return `${error.status ?? '-'}${code}`;
  }
  return error instanceof Error ? error.name : String(error);
}
