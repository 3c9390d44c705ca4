/**
 * `npm run bench -- goodput [--seconds 60] [--deadline-ms 10000] [--rate-multiple 3] [--fleet]`
 *
 * Goodput under a rate limit, in real time: the simulator limits gpt-4o to 600 RPM and 60,000
 * TPM (token buckets refilled continuously, the providers' own 429s and headers); a steady
 * open-loop load of three times the request limit, mixed prompt sizes, is offered for the given
 * seconds to
 *
 *   breakwater — an Engine with the limiter (configured with the same limits), in-process,
 *     once with the queue bounded by the deadline alone and once with waits of at most 2 s;
 *   the official openai SDK alone, maxRetries 2 (its default), against a fresh simulator;
 *   with `--fleet`, also three `breakwater serve` processes sharing one redis-server (the same
 *     load, round robin over them) — and, for contrast, three that keep their limits in their own
 *     memory, each enforcing the whole limit (bench/goodput-fleet.ts);
 *
 * Each side first empties the simulator's buckets with one bucket's worth of requests (not
 * counted), so the measured run is bounded by the limit's refill alone. The table shows
 * successes per minute against the limit, upstream 429s as a share of upstream attempts,
 * latency, and the longest queue wait against the deadline.
 */
import OpenAI from 'openai';
import { resolveConfig } from '../src/config/config-resolve.ts';
import { Engine } from '../src/engine/engine.ts';
import { isBreakwaterError } from '../src/errors/index.ts';
import { createLimiter, type QueueOptions } from '../src/limiter/index.ts';
import { type MockServer, type Scenario, startMock } from '../src/mock/index.ts';
import { openaiTokenizer } from '../src/tokens/index.ts';
import { fleet } from './goodput-fleet.ts';
import { type CallResult, makeDrain, makeOffers, type Offer, offerLoad } from './goodput-load.ts';
import { renderReport, type Side } from './goodput-report.ts';

const LIMITS = { rpm: 600, tpm: 60_000 };
const MODEL = 'gpt-4o';

function flag(name: string, fallback: number): number {
  const args = process.argv.slice(2);
  const at = args.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  if (at < 0) return fallback;
  const raw = args[at]!.includes('=') ? args[at]!.split('=')[1] : args[at + 1];
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) {
    console.error(`--${name} needs a positive number, got ${raw}`);
    process.exit(2);
  }
  return value;
}

const withFleet = process.argv.includes('--fleet');
process.argv = process.argv.filter((a) => a !== '--fleet');
const seconds = flag('seconds', 60);
const deadlineMs = flag('deadline-ms', 10_000);
const multiple = flag('rate-multiple', 3);
const perSecond = (LIMITS.rpm / 60) * multiple;

const scenario: Scenario = {
  seed: 3,
  default: {
    latency: { fixedMs: 5, jitterMs: 10, perTokenMs: 0 },
    rateLimits: { rpm: LIMITS.rpm, tpm: LIMITS.tpm },
  },
};

interface Runner {
  send: (offer: Offer) => Promise<{ ok: true } | { ok: false; code: string }>;
  close: () => Promise<void>;
  maxQueueWaitMs?: () => number;
}

function counts(mock: MockServer) {
  const model = mock.stats().models[MODEL];
  return { requests: model?.requests ?? 0, r429: model?.status_429 ?? 0 };
}

async function side(
  name: string,
  offers: readonly Offer[],
  run: (mock: MockServer) => Runner | Promise<Runner>,
): Promise<Side> {
  const mock = await startMock(scenario);
  const runner = await run(mock);
  // Empty the buckets first (through the side itself, so its own view follows), uncounted. The
  // refill during the burst is left for the run, so the run's window starts with the burst.
  const started = performance.now();
  const drain = makeDrain(LIMITS.rpm, LIMITS.tpm, MODEL);
  await Promise.all(drain.map((offer) => runner.send(offer)));
  const drained = counts(mock);
  const results: CallResult[] = await offerLoad(offers, perSecond, runner.send);
  const wallMs = performance.now() - started;
  await runner.close();
  const stats = counts(mock);
  await mock.close();
  return {
    name,
    results,
    wallMs,
    upstreamRequests: stats.requests - drained.requests,
    upstream429: stats.r429 - drained.r429,
    maxQueueWaitMs: runner.maxQueueWaitMs?.(),
    deadlineMs,
  };
}

function breakwater(mock: MockServer, queue: QueueOptions = {}) {
  const config = resolveConfig(
    { providers: { openai: { baseUrl: mock.url, apiKey: 'sk-bench' } } },
    { env: {} },
  );
  const limiter = createLimiter({ targets: { [`openai/${MODEL}`]: LIMITS }, queue });
  let maxWait = 0;
  limiter.onEvent((e) => {
    if (e.type === 'admitted') maxWait = Math.max(maxWait, e.waitMs);
  });
  const engine = new Engine(config, { admission: limiter });
  return {
    send: (offer: Offer) =>
      engine.call('openai', { ...offer.body, model: `openai/${MODEL}` }, { deadlineMs }).then(
        () => ({ ok: true }) as const,
        (error: unknown) =>
          ({ ok: false, code: isBreakwaterError(error) ? error.code : 'thrown' }) as const,
      ),
    close: () => engine.close(),
    maxQueueWaitMs: () => maxWait,
  };
}

function sdk(mock: MockServer) {
  const client = new OpenAI({
    apiKey: 'sk-bench',
    baseURL: `${mock.url}/v1`,
    maxRetries: 2,
    timeout: deadlineMs,
  });
  return {
    send: (offer: Offer) =>
      client.chat.completions
        .create(offer.body as unknown as OpenAI.ChatCompletionCreateParamsNonStreaming)
        .then(
          () => ({ ok: true }) as const,
          (error: unknown) => {
            const status = (error as { status?: number }).status;
            return { ok: false, code: status ? `status_${status}` : 'connection' } as const;
          },
        ),
    close: async () => {},
  };
}

openaiTokenizer('o200k_base').count('warm up');
const offers = makeOffers(Math.round(perSecond * seconds), MODEL);
const offeredTokens = offers.reduce((n, o) => n + o.tokens, 0) / seconds / (LIMITS.tpm / 60);
console.log(
  `goodput: simulator limit ${LIMITS.rpm} RPM / ${LIMITS.tpm} TPM on ${MODEL}; offered ` +
    `${perSecond.toFixed(0)} req/s (${multiple}× the request limit, ${offeredTokens.toFixed(1)}× the ` +
    `token limit) for ${seconds} s per side; deadline ${deadlineMs / 1000} s per call\n`,
);
const sides: Side[] = [];
const run = async (name: string, fn: Parameters<typeof side>[2]) => {
  sides.push(await side(name, offers, fn));
  console.log(`${name}: done`);
};
await run('breakwater', (mock) => breakwater(mock));
await run('breakwater, queue ≤ 2 s', (mock) => breakwater(mock, { maxWaitMs: 2000 }));
await run('openai SDK, maxRetries 2', sdk);
if (withFleet) {
  const options = { limits: LIMITS, model: MODEL, deadlineMs };
  await run('fleet: 3 gateways, one Redis', (mock) => fleet(mock, { ...options, shared: true }));
  await run('3 gateways, memory each', (mock) => fleet(mock, { ...options, shared: false }));
}
console.log(`\n${renderReport(sides, LIMITS)}`);
