/**
 * What the engine's unit tests share: a config with one OpenAI and one Anthropic provider on
 * fake origins, a fake upstream pool (undici's MockAgent answers every call; nothing touches the
 * network), a manual clock, an admission that records its leases, and the deps and run an
 * attempt works with.
 */
import { MockAgent } from 'undici';
import { resolveConfig } from '../config/config-resolve.ts';
import type {
  BreakwaterConfig,
  ResolvedConfig,
  ResolvedRoute,
  RouteConfig,
} from '../config/config-types.ts';
import type { ManualClock } from '../core/clock.ts';
import { Deadline } from '../core/deadline.ts';
import { replayChatCompletion } from '../dialects/openai/replay.ts';
import type { ChatCompletion } from '../dialects/openai/types.ts';
import { OPENAI_DONE_FRAME, openAIFrame } from '../dialects/sse-encode.ts';
import type { Admission, AdmissionRequest, Lease, Settlement } from '../limiter/admission.ts';
import type { AttemptDeps } from './attempt.ts';
import { createBridges } from './bridge.ts';
import type { CallOptions } from './engine-types.ts';
import type { WireRequest } from './request-check.ts';
import { RetryPolicies } from './retry-policies.ts';
import type { Run } from './run.ts';
import { TargetRegistry } from './target-state.ts';
import type { TargetDeps } from './try-target.ts';

export const OPENAI = 'http://openai.test';
export const ANTHROPIC = 'http://anthropic.test';

export function testConfig(
  routes: Record<string, RouteConfig> = {},
  extra: Partial<BreakwaterConfig> = {},
): ResolvedConfig {
  return resolveConfig({
    providers: {
      openai: { baseUrl: OPENAI, apiKey: ['sk-one', 'sk-two'] },
      anthropic: { baseUrl: ANTHROPIC, apiKey: 'ak-one' },
    },
    routes,
    ...extra,
  });
}

/** One call the fake upstream received. */
export interface Received {
  origin: string;
  path: string;
  headers: Record<string, string>;
  body: Record<string, unknown>;
  /** When it arrived, on the clock `fakeUpstream` was given. */
  at: number;
}

/**
 * The fake upstream pool: answers are queued per origin and served in order; every call is
 * recorded. An origin with no answer left fails the call (MockAgent refuses unmatched requests).
 */
export function fakeUpstream(clock?: { now(): number }) {
  const agent = new MockAgent();
  agent.disableNetConnect();
  const received: Received[] = [];
  const pool = {
    connectTimeoutMs: 5000,
    dispatcher: (origin: string) => agent.get(origin),
    close: () => agent.close(),
  };
  const path = (origin: string) => (origin === ANTHROPIC ? '/v1/messages' : '/v1/chat/completions');
  /** Queues one answer from `origin`. */
  const reply = (
    origin: string,
    status: number,
    body: string | object,
    headers: Record<string, string> = {},
  ) => {
    const type = typeof body === 'string' ? 'text/event-stream' : 'application/json';
    agent
      .get(origin)
      .intercept({ path: path(origin), method: 'POST' })
      .reply(
        status,
        (opts) => {
          received.push({
            origin,
            path: opts.path,
            headers: { ...(opts.headers as Record<string, string>) },
            body: JSON.parse(String(opts.body)),
            at: clock?.now() ?? 0,
          });
          return typeof body === 'string' ? body : JSON.stringify(body);
        },
        { headers: { 'content-type': type, ...headers } },
      );
  };
  /** Queues a connection failure from `origin`. */
  const fail = (origin: string, error: Error) => {
    agent
      .get(origin)
      .intercept({ path: path(origin), method: 'POST' })
      .replyWithError(error);
  };
  return { agent, pool, received, reply, fail };
}

export type FakeUpstream = ReturnType<typeof fakeUpstream>;

/** A stored answer replayed as the SSE body a provider would have sent. */
export function openaiStream(completion: ChatCompletion): string {
  return (
    replayChatCompletion(completion, { includeUsage: true }).map(openAIFrame).join('') +
    OPENAI_DONE_FRAME
  );
}

/** An admission that admits everything (or refuses with `refuse`) and keeps every lease. */
export class RecordingAdmission implements Admission {
  readonly requests: AdmissionRequest[] = [];
  readonly settlements: Settlement[] = [];
  refuse: Error | undefined;

  async acquire(request: AdmissionRequest): Promise<Lease> {
    this.requests.push(request);
    if (this.refuse) throw this.refuse;
    let settled = false;
    return {
      settle: (result) => {
        if (settled) return;
        settled = true;
        this.settlements.push(result);
      },
    };
  }
}

/** Everything trying a target needs, with a manual clock and jitter fixed at its maximum. */
export function testDeps(upstream: FakeUpstream, clock: ManualClock) {
  const admission = new RecordingAdmission();
  const deps: TargetDeps & AttemptDeps = {
    clock,
    pool: upstream.pool,
    admission,
    targets: new TargetRegistry(clock),
    record: (run, record) => run.trail.push(record),
    bridge: createBridges(),
    retries: new RetryPolicies(() => 0.999, clock),
    onHedge: () => {},
    onHedgeWon: () => {},
  };
  return { deps, admission, clock };
}

/** A run of `request` on `route`, as the engine makes one after its checks. */
export function testRun(
  route: ResolvedRoute,
  request: WireRequest,
  clock: ManualClock,
  options: CallOptions = {},
  dialect: 'openai' | 'anthropic' = 'openai',
): Run {
  return {
    request,
    dialect,
    route,
    stream: request.stream === true,
    defaultMaxTokens: 4096,
    deadline: Deadline.after(options.deadlineMs ?? route.policy.timeouts.deadlineMs, clock),
    options,
    trail: [],
    cacheKey: undefined,
  };
}

export const chatRequest = (extra: Record<string, unknown> = {}) => ({
  model: 'chat',
  messages: [{ role: 'user', content: 'Hello' }],
  ...extra,
});

/**
 * Awaits `promise` while moving the manual clock on in `stepMs` steps, letting the fake upstream
 * answer between steps: backoff sleeps and timers run on the clock, never on real time.
 */
export async function drive<T>(clock: ManualClock, promise: Promise<T>, stepMs = 100): Promise<T> {
  let done = false;
  const settled = promise.finally(() => {
    done = true;
  });
  settled.catch(() => undefined);
  for (let i = 0; i < 10_000 && !done; i++) {
    await new Promise((resolve) => setImmediate(resolve));
    if (!done) await clock.advance(stepMs);
  }
  return settled;
}

/** An OpenAI 5xx body: retryable, fallbackable. */
export const UNAVAILABLE_BODY = { error: { message: 'overloaded', type: 'server_error' } };
/** An OpenAI 400 body: the caller's mistake, neither retried nor failed over. */
export const BAD_REQUEST_BODY = {
  error: { message: 'bad', type: 'invalid_request_error', param: 'x' },
};
