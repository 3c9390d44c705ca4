/**
 * The chaos matrix: every fault kind of the simulator (and the statuses that matter most) ×
 * streaming or not × the caller's dialect × the client family (the official SDK, or the AI SDK)
 * × a target in the same or the other dialect. Faults fire on 60% of upstream calls, so each
 * request ends in success or in a typed error in the caller's dialect — and must do so within
 * its deadline, without a hang, an unhandled rejection (vitest fails on those), or an upstream
 * request left open afterwards.
 */

import { createAnthropic } from '@ai-sdk/anthropic';
import { createOpenAI } from '@ai-sdk/openai';
import Anthropic from '@anthropic-ai/sdk';
import { APICallError, generateText, streamText } from 'ai';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BareFault, Scenario } from '../../src/mock/index.ts';
import {
  CLIENT_KEY,
  eventually,
  FAST_POLICY,
  type Stack,
  startStack,
  upstreamRunning,
} from './gateway-harness.ts';

const DEADLINE_MS = 1_200;
/** Time allowed past the deadline: writing the error, the SDK reading it, a busy 2-core CI box. */
const SLACK_MS = 1_000;

const FAULTS: Record<string, BareFault> = {
  'status-429': { kind: 'status', status: 429, retryAfterS: 1 },
  'status-500': { kind: 'status', status: 500 },
  'status-503': { kind: 'status', status: 503 },
  'status-529': { kind: 'status', status: 529 },
  hang: { kind: 'hang' },
  slow_first_byte: { kind: 'slow_first_byte', delayMs: 3_000 },
  stall_midstream: { kind: 'stall_midstream', afterChunks: 4, delayMs: 3_000 },
  reset: { kind: 'reset', afterChunks: 4 },
  malformed_json: { kind: 'malformed_json' },
  stream_cut: { kind: 'stream_cut', afterChunks: 5 },
  midstream_error: { kind: 'midstream_error', afterChunks: 5 },
};

function scenario(): Scenario {
  const models: NonNullable<Scenario['models']> = {};
  for (const [name, fault] of Object.entries(FAULTS)) {
    models[`chaos-${name}`] = { faults: [{ ...fault, probability: 0.6 }] };
  }
  return { seed: 11, default: { outputTokens: 24, latency: { perTokenMs: 1 } }, models };
}

type Dialect = 'openai' | 'anthropic';
type Family = 'official' | 'ai-sdk';
type Outcome = { kind: 'ok' } | { kind: 'typed'; detail: string } | { kind: 'bad'; detail: string };

interface Case {
  fault: string;
  stream: boolean;
  caller: Dialect;
  family: Family;
  target: Dialect;
}

let stack: Stack;

beforeAll(async () => {
  (globalThis as { AI_SDK_LOG_WARNINGS?: boolean }).AI_SDK_LOG_WARNINGS = false;
  stack = await startStack({
    scenario: scenario(),
    policy: { ...FAST_POLICY, retry: { ...FAST_POLICY.retry, maxRetryDelayMs: 100 } },
    gateway: { clientKeys: [{ id: 'chaos', key: CLIENT_KEY }] },
  });
});

afterAll(async () => {
  await stack.close();
});

const headers = { 'x-breakwater-deadline-ms': String(DEADLINE_MS) };
const prompt = 'Tell me something.';

function describeError(err: unknown): string {
  return err instanceof Error
    ? `${err.constructor.name}: ${err.message.slice(0, 160)}`
    : String(err);
}

/** An official SDK error that came from the gateway (an HTTP error or an error event), not a broken connection. */
function officialOutcome(
  err: unknown,
  sdk: typeof OpenAI | typeof Anthropic,
  caller: Dialect,
): Outcome {
  if (!(err instanceof sdk.APIError) || err instanceof sdk.APIConnectionError) {
    return { kind: 'bad', detail: describeError(err) };
  }
  const body = err.error as Record<string, unknown> | undefined;
  if (err.status !== undefined) {
    const inDialect =
      caller === 'anthropic'
        ? body?.type === 'error'
        : typeof (body as { message?: unknown })?.message === 'string';
    if (!inDialect)
      return { kind: 'bad', detail: `not in the ${caller} dialect: ${JSON.stringify(body)}` };
  }
  return { kind: 'typed', detail: `${err.status ?? 'stream'} ${describeError(err)}` };
}

async function official(c: Case, model: string): Promise<Outcome> {
  if (c.caller === 'openai') {
    const client = new OpenAI({ apiKey: CLIENT_KEY, baseURL: `${stack.url}/v1`, maxRetries: 0 });
    const messages = [{ role: 'user' as const, content: prompt }];
    try {
      if (!c.stream) {
        const res = await client.chat.completions.create({ model, messages }, { headers });
        return res.choices[0]?.finish_reason
          ? { kind: 'ok' }
          : { kind: 'bad', detail: 'no finish_reason' };
      }
      const stream = await client.chat.completions.create(
        { model, messages, stream: true },
        { headers },
      );
      let finished = false;
      for await (const chunk of stream) if (chunk.choices[0]?.finish_reason) finished = true;
      return finished
        ? { kind: 'ok' }
        : { kind: 'bad', detail: 'stream ended without finish_reason' };
    } catch (err) {
      return officialOutcome(err, OpenAI, 'openai');
    }
  }
  const client = new Anthropic({ apiKey: CLIENT_KEY, baseURL: stack.url, maxRetries: 0 });
  const body = { model, max_tokens: 64, messages: [{ role: 'user' as const, content: prompt }] };
  try {
    if (!c.stream) {
      const res = await client.messages.create(body, { headers });
      return res.stop_reason ? { kind: 'ok' } : { kind: 'bad', detail: 'no stop_reason' };
    }
    const stream = await client.messages.create({ ...body, stream: true }, { headers });
    let stopped = false;
    for await (const event of stream) if (event.type === 'message_stop') stopped = true;
    return stopped ? { kind: 'ok' } : { kind: 'bad', detail: 'stream ended without message_stop' };
  } catch (err) {
    return officialOutcome(err, Anthropic, 'anthropic');
  }
}

async function aiSdk(c: Case, model: string): Promise<Outcome> {
  const provider =
    c.caller === 'openai'
      ? createOpenAI({ baseURL: `${stack.url}/v1`, apiKey: CLIENT_KEY }).chat(model)
      : createAnthropic({ baseURL: `${stack.url}/v1`, apiKey: CLIENT_KEY })(model);
  if (!c.stream) {
    try {
      await generateText({ model: provider, prompt, maxRetries: 0, headers, maxOutputTokens: 64 });
      return { kind: 'ok' };
    } catch (err) {
      if (APICallError.isInstance(err) && (err.statusCode ?? 0) >= 400) {
        return { kind: 'typed', detail: `${err.statusCode} ${describeError(err)}` };
      }
      return { kind: 'bad', detail: describeError(err) };
    }
  }
  const result = streamText({
    model: provider,
    prompt,
    maxRetries: 0,
    headers,
    maxOutputTokens: 64,
    onError: () => {},
  });
  let error: unknown;
  let finished = false;
  for await (const part of result.fullStream) {
    if (part.type === 'error') error ??= part.error;
    if (part.type === 'finish') finished = true;
  }
  if (error === undefined)
    return finished ? { kind: 'ok' } : { kind: 'bad', detail: 'no finish part' };
  if (APICallError.isInstance(error)) {
    return (error.statusCode ?? 0) >= 400
      ? { kind: 'typed', detail: `${error.statusCode} ${describeError(error)}` }
      : { kind: 'bad', detail: describeError(error) };
  }
  // An error event inside the stream, parsed by the provider package: it must carry a message.
  return error instanceof Error && error.message
    ? { kind: 'typed', detail: `stream ${describeError(error)}` }
    : { kind: 'bad', detail: describeError(error) };
}

async function run(c: Case): Promise<{ outcome: Outcome; elapsedMs: number }> {
  const model = `${c.target}/chaos-${c.fault}`;
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<Outcome>((resolve) => {
    timer = setTimeout(() => resolve({ kind: 'bad', detail: 'hung' }), DEADLINE_MS + 5_000);
  });
  const outcome = await Promise.race([
    c.family === 'official' ? official(c, model) : aiSdk(c, model),
    hang,
  ]);
  clearTimeout(timer);
  return { outcome, elapsedMs: performance.now() - started };
}

const cases: Case[] = [];
for (const fault of Object.keys(FAULTS)) {
  for (const stream of [false, true]) {
    for (const caller of ['openai', 'anthropic'] as const) {
      for (const family of ['official', 'ai-sdk'] as const) {
        for (const target of ['openai', 'anthropic'] as const)
          cases.push({ fault, stream, caller, family, target });
      }
    }
  }
}

describe('chaos matrix', () => {
  it(`ends each of ${cases.length} requests in success or a typed error within its deadline`, async () => {
    const problems: string[] = [];
    const tally = { ok: 0, typed: 0 };
    const BATCH = 44;
    for (let i = 0; i < cases.length; i += BATCH) {
      const results = await Promise.all(cases.slice(i, i + BATCH).map(run));
      results.forEach(({ outcome, elapsedMs }, j) => {
        const c = cases[i + j]!;
        const name = `${c.fault} ${c.stream ? 'stream' : 'json'} ${c.caller}-caller ${c.family} → ${c.target}`;
        if (outcome.kind === 'bad') problems.push(`${name}: ${outcome.detail}`);
        else tally[outcome.kind]++;
        if (elapsedMs > DEADLINE_MS + SLACK_MS)
          problems.push(`${name}: took ${Math.round(elapsedMs)} ms`);
      });
    }
    expect(problems).toEqual([]);
    // The mix really happened: some calls got through, some failed in a typed way.
    expect(tally.ok).toBeGreaterThan(cases.length * 0.2);
    expect(tally.typed).toBeGreaterThan(cases.length * 0.2);
    // Nothing left open upstream, and every gateway request is over.
    await eventually(
      () => upstreamRunning(stack.pool) === 0 && stack.app.breakwater.inFlight() === 0,
    );
  }, 60_000);
});
