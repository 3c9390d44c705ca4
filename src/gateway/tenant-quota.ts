/**
 * Each client key's own rate limits at the gateway (`limits: { rpm, tpm }` on the key): a local
 * rate limit in Envoy's terms, one token bucket per key and dimension, refilled evenly over a
 * minute like the limiter's. A request over its key's limit is refused at once — never queued —
 * with a 429 `rate_limited` naming the key and a `Retry-After` for when a request fits again.
 * A refused request costs nothing; an admitted one counts against `rpm` whatever its outcome.
 *
 * `tpm` is charged before the call, so concurrent requests cannot overshoot together, with a
 * deliberately cheap estimate: the request body's size in bytes / 4 (its `content-length`, read
 * without touching the body) plus the output it asks for at most (`max_tokens`,
 * `max_completion_tokens`, times `n`; nothing when it sets none). Tokenizing the prompt would
 * cost far more than the check is worth, and the estimate is only a deposit: when the answer
 * reports its usage (a JSON answer's `usage`, a stream's usage at its end) the charge is
 * corrected to the tokens really used, going into debt for output the request did not cap. A
 * cached or static answer used no upstream tokens and a failed call delivered none: their
 * deposit is refunded. Without a usage report (a stream cut before it came) the deposit stands.
 * The deposit is capped at the key's `tpm`, so a crude estimate (a base64 image counts as its
 * bytes) never refuses a request outright: with a full bucket it passes, and its real usage is
 * charged afterwards.
 *
 * Keys without `limits` never reach this module: the completion route checks
 * `identity.limits` first, so they pay one property read and nothing else. The buckets live in
 * this process only; a fleet of N gateways lets a key through N times over.
 */
import { type Clock, systemClock } from '../core/clock.ts';
import { TokenBucket } from '../core/token-bucket.ts';
import type { DialectName } from '../dialects/dialect-name.ts';
import { totalInputTokens, type Usage } from '../dialects/usage.ts';
import type { EngineAnswer } from '../engine/engine.ts';
import { RejectedError } from '../errors/index.ts';
import { requestedMaxOutput } from '../limiter/request-cost.ts';
import type { ClientIdentity } from './client-keys.ts';

/** A key's per-minute limits and what is left of each now. */
export interface QuotaReport {
  rpm?: { limit: number; available: number };
  tpm?: { limit: number; available: number };
}

interface KeyBuckets {
  readonly requests: TokenBucket | undefined;
  readonly tokens: TokenBucket | undefined;
}

/** Bytes of JSON per token assumed for the deposit: the usual "a token is ~4 characters". */
const BYTES_PER_TOKEN = 4;

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

function usedTokens(usage: Usage | undefined): number | undefined {
  return usage === undefined ? undefined : totalInputTokens(usage) + usage.outputTokens;
}

function bodyBytes(contentLength: string | undefined, body: Record<string, unknown>): number {
  const bytes = contentLength === undefined ? Number.NaN : Number(contentLength);
  // A chunked body has no length: measure it (rare; SDKs send a content-length).
  return Number.isSafeInteger(bytes) && bytes >= 0 ? bytes : JSON.stringify(body).length;
}

export class TenantQuota {
  readonly #keys = new Map<string, KeyBuckets>();

  /** One pair of buckets per identity with `limits`; the others are ignored. */
  constructor(identities: readonly ClientIdentity[], clock: Clock = systemClock) {
    for (const { id, limits } of identities) {
      if (limits === undefined) continue;
      this.#keys.set(id, {
        requests: limits.rpm === undefined ? undefined : TokenBucket.perMinute(limits.rpm, clock),
        tokens: limits.tpm === undefined ? undefined : TokenBucket.perMinute(limits.tpm, clock),
      });
    }
  }

  /** Keys with limits of their own. */
  get size(): number {
    return this.#keys.size;
  }

  /** What is left of key `id`'s own limits now, for its view of `/status` and `/dashboard`. */
  report(id: string): QuotaReport | undefined {
    const buckets = this.#keys.get(id);
    if (buckets === undefined) return undefined;
    const report: QuotaReport = {};
    const { requests, tokens } = buckets;
    if (requests)
      report.rpm = { limit: requests.capacity, available: Math.floor(requests.available()) };
    if (tokens) report.tpm = { limit: tokens.capacity, available: Math.floor(tokens.available()) };
    return report;
  }

  /**
   * Takes one request and the token deposit from `identity`'s buckets, returning the deposit
   * (0 without `tpm`), or throws `rate_limited` with the wait until the request fits.
   */
  admit(
    identity: ClientIdentity,
    dialect: DialectName,
    body: Record<string, unknown>,
    contentLength: string | undefined,
  ): number {
    const buckets = this.#keys.get(identity.id);
    if (buckets === undefined) return 0;
    const { requests, tokens } = buckets;
    let deposit = 0;
    if (tokens !== undefined) {
      const prompt = Math.ceil(bodyBytes(contentLength, body) / BYTES_PER_TOKEN);
      deposit = Math.min(tokens.capacity, prompt + (requestedMaxOutput(dialect, body) ?? 0));
    }
    const requestWait = requests?.timeUntil(1) ?? 0;
    const tokenWait = tokens?.timeUntil(deposit) ?? 0;
    if (requestWait > 0 || tokenWait > 0) {
      throw overLimit(identity.id, buckets, deposit, requestWait, tokenWait);
    }
    requests?.tryTake(1);
    tokens?.tryTake(deposit);
    return deposit;
  }

  /**
   * Corrects `deposit` once `call` settles: to the answer's reported usage, to nothing for a
   * cached or static answer or a failure, unchanged when the usage is unknown. Returns `call`
   * itself for a key without `tpm`.
   */
  track(
    identity: ClientIdentity,
    deposit: number,
    call: Promise<EngineAnswer>,
  ): Promise<EngineAnswer> {
    const tokens = this.#keys.get(identity.id)?.tokens;
    if (tokens === undefined) return call;
    const settle = (used: number | undefined) => {
      if (used === undefined || used === deposit) return;
      if (used > deposit) tokens.consume(used - deposit);
      else tokens.refund(deposit - used);
    };
    return call.then(
      (answer) => {
        if (answer.meta.target === undefined) {
          settle(0);
        } else if (answer.kind === 'stream') {
          void answer.ended.then((end) => settle(usedTokens(end.usage)));
        } else {
          settle(usedTokens(answer.usage));
        }
        return answer;
      },
      (err: unknown) => {
        settle(0);
        throw err;
      },
    );
  }
}

function overLimit(
  id: string,
  buckets: KeyBuckets,
  deposit: number,
  requestWait: number,
  tokenWait: number,
): RejectedError {
  const over: string[] = [];
  if (requestWait > 0) over.push(`${buckets.requests!.capacity} requests per minute`);
  if (tokenWait > 0) {
    const left = Math.max(0, Math.floor(buckets.tokens!.available()));
    over.push(
      `${buckets.tokens!.capacity} tokens per minute (this request needs about ${deposit}, ${left} left)`,
    );
  }
  const waitMs = Math.max(requestWait, tokenWait);
  const retryS = Math.ceil(waitMs / 1000);
  return new RejectedError(
    'rate_limited',
    `client key "${id}" is over its per-key rate limit at this gateway: ${over.join(' and ')}; a request fits again in ${seconds(waitMs)}`,
    {
      retryAfterMs: waitMs,
      hint: `This is the gateway’s own limit for this client key, not the provider’s: retry after ${retryS} s (Retry-After), or ask the gateway’s operator to raise the key’s limits.`,
    },
  );
}
