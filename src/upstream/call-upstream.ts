/**
 * One attempt against a provider: send the request through the pool, wait for the headers, and
 * hand back a streaming `UpstreamResponse` on 2xx or throw the classified error otherwise.
 *
 * Four limits apply, and the error names the one that fired:
 * - connect (`timeouts.connectMs`, default 5 s): dialling a new connection; the pool's connector.
 * - first byte (`timeouts.firstByteMs`): from writing the request to the response headers,
 *   undici's `headersTimeout`. Defaults to `firstByteTimeoutFor({ maxTokens, stream })`, which
 *   grows with `max_tokens` for non-streaming requests (see first-byte-timeout.ts).
 * - idle (`timeouts.idleMs`, default 15 s): silence between body bytes, undici's `bodyTimeout`,
 *   in force for as long as the caller reads the body.
 * - the caller's `signal` and the request's `deadline`: these cancel at once in every phase —
 *   waiting for a connection, for the headers, or mid-body — giving `aborted` or
 *   `deadline_exceeded`.
 * The per-attempt timers are undici's own, cleared by undici on every path; an aborted or failed
 * attempt's socket is destroyed, never returned to the pool half-read. undici runs the first-byte
 * and idle timers on coarse "fast timers" (about 0.5–1 s late, never early), which is noise for
 * limits of seconds; the deadline and the caller's signal are exact.
 * The request goes out through `dispatch()` with the attempt's own handler (attempt-handler.ts),
 * not undici's `request()`.
 */
import type { Dispatcher } from 'undici';
import type { Cancellation } from '../core/cancellation.ts';
import { type Clock, systemClock } from '../core/clock.ts';
import type { Deadline } from '../core/deadline.ts';
import type { DialectName } from '../dialects/dialect-name.ts';
import type { NetworkErrorContext } from '../errors/index.ts';
import { AttemptHandler } from './attempt-handler.ts';
import { DEFAULT_MAX_ERROR_BODY_BYTES, errorFromResponse } from './error-response.ts';
import { firstByteTimeoutFor } from './first-byte-timeout.ts';
import type { UpstreamDispatchers } from './upstream-pool.ts';
import { UpstreamResponse } from './upstream-response.ts';

export interface UpstreamTimeouts {
  /** Dialling a new connection, in milliseconds. @default the pool's (5000) */
  connectMs?: number;
  /**
   * From sending the request to the response headers, in milliseconds; 0 disables.
   * @default firstByteTimeoutFor({ maxTokens, stream }): 30000 streaming, 30000 + 28.125 per max token (≤ 600000) otherwise
   */
  firstByteMs?: number;
  /** Longest silence between body bytes, in milliseconds; 0 disables. @default 15000 */
  idleMs?: number;
}

export interface CallUpstreamOptions {
  /** The pool holding the configured origins. */
  pool: UpstreamDispatchers;
  /** A configured origin, e.g. `https://api.openai.com`. */
  origin: string;
  /** Path and query, e.g. `/v1/chat/completions`. */
  path: string;
  /** @default 'POST' */
  method?: Dispatcher.HttpMethod;
  /** Request headers; `content-type: application/json` is added when a body has none. */
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  /** The wire format the provider speaks, for classifying its errors. */
  dialect: DialectName;
  /** The provider's name from the config, for errors and logs. */
  provider?: string;
  model?: string;
  /** Whether the request streams; picks the default first-byte timeout. @default false */
  stream?: boolean;
  /** The request's `max_tokens`; grows the non-streaming first-byte timeout. */
  maxTokens?: number;
  /** The caller's cancellation. */
  signal?: AbortSignal;
  /** The owner's cancellation of this attempt alone (a hedge race's), beside the caller's. */
  cancellation?: Cancellation;
  /** The request's overall time budget. */
  deadline?: Deadline;
  timeouts?: UpstreamTimeouts;
  /** Error bodies are read up to this many bytes. @default 1048576 */
  maxErrorBodyBytes?: number;
  /** For latency figures and Retry-After dates. @default systemClock */
  clock?: Clock;
}

const UPSTREAM_TIMEOUT_DEFAULTS = Object.freeze({ idleMs: 15_000 });

function checkMs(name: string, value: number): number {
  if (!Number.isFinite(value) || value < 0) {
    throw new TypeError(
      `Expected \`${name}\` to be a non-negative number of milliseconds, got ${value}`,
    );
  }
  return value;
}

function withContentType(
  headers: Record<string, string> | undefined,
  hasBody: boolean,
): Record<string, string> | undefined {
  if (!hasBody) return headers;
  if (headers) {
    if (headers['content-type'] !== undefined) return headers;
    for (const key in headers) if (key.toLowerCase() === 'content-type') return headers;
  }
  return { 'content-type': 'application/json', ...headers };
}

/** Sends one attempt; resolves with the streaming 2xx answer, rejects with a breakwater error. */
export async function callUpstream(options: CallUpstreamOptions): Promise<UpstreamResponse> {
  const { pool, dialect, provider, model } = options;
  const clock = options.clock ?? systemClock;
  const t = options.timeouts ?? {};
  const connectMs = checkMs('timeouts.connectMs', t.connectMs ?? pool.connectTimeoutMs);
  const firstByteMs = checkMs(
    'timeouts.firstByteMs',
    t.firstByteMs ?? firstByteTimeoutFor({ maxTokens: options.maxTokens, stream: options.stream }),
  );
  const idleMs = checkMs('timeouts.idleMs', t.idleMs ?? UPSTREAM_TIMEOUT_DEFAULTS.idleMs);
  const maxErrorBodyBytes = options.maxErrorBodyBytes ?? DEFAULT_MAX_ERROR_BODY_BYTES;
  const ctx: NetworkErrorContext = {
    provider,
    model,
    baseUrl: options.origin,
    connectTimeoutMs: connectMs,
    firstByteTimeoutMs: firstByteMs,
    idleTimeoutMs: idleMs,
  };

  const dispatcher = pool.dispatcher(options.origin, connectMs);
  // Follows the caller's signal and the deadline for as long as the attempt runs.
  const handler = new AttemptHandler(
    clock,
    ctx,
    options.signal,
    options.deadline,
    options.cancellation,
  );
  const startedAt = clock.now();
  // A signal that has already fired sends nothing; the head promise carries its error.
  if (handler.failure === undefined) {
    dispatcher.dispatch(
      {
        path: options.path,
        method: options.method ?? 'POST',
        headers: withContentType(options.headers, options.body !== undefined),
        body: options.body ?? null,
        headersTimeout: firstByteMs,
        bodyTimeout: idleMs,
      },
      handler,
    );
  }
  const head = await handler.head;
  const requestId = handler.requestId;
  if (head.status < 200 || head.status >= 300) {
    throw await errorFromResponse({
      dialect,
      status: head.status,
      headers: head.headers,
      source: handler,
      maxBodyBytes: maxErrorBodyBytes,
      ctx: { ...ctx, requestId },
      nowMs: head.at,
    });
  }
  const sentAt = handler.writtenAt ?? startedAt;
  return new UpstreamResponse({
    status: head.status,
    headers: head.headers,
    requestId,
    timings: { connectMs: sentAt - startedAt, firstByteMs: head.at - sentAt },
    source: handler,
    ctx,
  });
}
