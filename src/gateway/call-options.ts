/**
 * Per-call options from request headers, the same ones `client.fetch` reads:
 * `x-breakwater-deadline-ms` (the whole call's time budget), `x-breakwater-route` (a route to use
 * instead of the body's `model`), `cache-control: no-cache | no-store`, `Idempotency-Key` (the
 * same key and request again get the first answer, replayed). No header can name an
 * upstream URL or key: those come from the config only. Of the caller's headers only the
 * Anthropic API version and beta flags reach the provider: `OpenAI-Organization` and
 * `OpenAI-Project` would let a client choose whose account the operator's key bills, so they
 * come from the provider's `headers` in the config, never from a client.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { CallOptions } from '../engine/engine.ts';
import { parseIdempotencyKey } from '../engine/idempotency-key-header.ts';
import { parsePriority } from '../engine/priority-header.ts';
import { RejectedError } from '../errors/index.ts';

/** The longest deadline a caller may ask for: ten minutes, the SDKs' own default timeout. */
const MAX_DEADLINE_MS = 600_000;

/**
 * Caller headers the engine is given: the Anthropic ones reach the provider; the W3C trace
 * context is read by the tracing subscriber, which sends its own (or this one) upstream.
 */
const FORWARDED = ['anthropic-version', 'anthropic-beta', 'traceparent', 'tracestate'] as const;

function one(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

export function callOptionsFrom(
  headers: IncomingHttpHeaders,
  signal: AbortSignal,
  tenant: string | undefined,
): CallOptions {
  const forwarded: Record<string, string> = {};
  for (const name of FORWARDED) {
    const value = one(headers[name]);
    if (value !== undefined) forwarded[name] = value;
  }
  const options: CallOptions = { signal, headers: forwarded, tenant };
  const deadline = one(headers['x-breakwater-deadline-ms']);
  if (deadline !== undefined) {
    const ms = Number(deadline);
    if (!(Number.isFinite(ms) && ms > 0 && ms <= MAX_DEADLINE_MS)) {
      throw new RejectedError(
        'validation',
        `x-breakwater-deadline-ms must be a number of milliseconds in (0, ${MAX_DEADLINE_MS}]`,
        { param: 'x-breakwater-deadline-ms' },
      );
    }
    options.deadlineMs = ms;
  }
  const priority = parsePriority(one(headers['x-breakwater-priority']));
  if (priority) options.priority = priority;
  const route = one(headers['x-breakwater-route']);
  if (route) options.route = route;
  const idempotencyKey = parseIdempotencyKey(one(headers['idempotency-key']));
  if (idempotencyKey !== undefined) options.idempotencyKey = idempotencyKey;
  const cacheControl = one(headers['cache-control']);
  if (cacheControl) {
    if (/\bno-cache\b/i.test(cacheControl)) options.noCache = true;
    if (/\bno-store\b/i.test(cacheControl)) options.noStore = true;
  }
  return options;
}
