/**
 * A route's output-length policy, applied to the caller's request before anything is sent:
 * a cap on `max_tokens` (clamped to it, or rejected with a validation error naming the cap), and
 * a default — `defaultMaxTokens`, itself capped — for a request that names no limit.
 *
 * A pure function over the request in the caller's dialect: the engine calls it once, after the
 * route is known and before the first tier, so a capped request is capped for every target and
 * the limiter and budgets reserve what will really be asked. OpenAI's `max_tokens` and
 * `max_completion_tokens` are both capped when present. Without either field:
 *
 * - an Anthropic request gets `max_tokens` = the default (Anthropic requires the field);
 * - an OpenAI request on a capped route gets `max_completion_tokens` = the default, so the cap
 *   holds (the field OpenAI reads for every model; `max_tokens` is refused by its reasoning
 *   models);
 * - an OpenAI request on an uncapped route is left as it is (the provider needs none, and a
 *   field added here could be one a compatible provider rejects); translated for an Anthropic
 *   target it is given the default there (`defaultMaxTokensOf`).
 */
import type { MaxTokensPolicy } from '../config/limits-types.ts';
import type { DialectName } from '../dialects/dialect-name.ts';
import { RejectedError } from '../errors/index.ts';

export type { MaxTokensPolicy } from '../config/limits-types.ts';

export const DEFAULT_MAX_TOKENS = 4096;

export type MaxTokensOutcome<T> =
  | { ok: true; request: T; changed: boolean }
  | { ok: false; error: RejectedError };

const FIELDS: Record<DialectName, readonly string[]> = {
  openai: ['max_completion_tokens', 'max_tokens'],
  anthropic: ['max_tokens'],
};

/** The limit a request without one gets under `policy`: its default, capped. */
export function defaultMaxTokensOf(policy: MaxTokensPolicy): number {
  const fallback = policy.defaultMaxTokens ?? DEFAULT_MAX_TOKENS;
  return policy.maxTokens === undefined ? fallback : Math.min(policy.maxTokens, fallback);
}

/** `request` with the policy applied (the same object when nothing changed), or the rejection. */
export function applyMaxTokensPolicy<T extends Record<string, unknown>>(
  dialect: DialectName,
  request: T,
  policy: MaxTokensPolicy,
): MaxTokensOutcome<T> {
  const cap = policy.maxTokens;
  let out: Record<string, unknown> | undefined;
  const set = (field: string, value: number) => {
    out ??= { ...request };
    out[field] = value;
  };
  let present = false;
  for (const field of FIELDS[dialect]) {
    const value = request[field];
    if (typeof value !== 'number') continue;
    present = true;
    if (cap === undefined || value <= cap) continue;
    if (policy.overMaxTokens === 'reject') {
      return {
        ok: false,
        error: new RejectedError(
          'validation',
          `\`${field}\` is ${value}, above this route's cap of ${cap} output tokens — ask for at most ${cap}`,
          { param: field },
        ),
      };
    }
    set(field, cap);
  }
  if (!present) {
    if (dialect === 'anthropic') set('max_tokens', defaultMaxTokensOf(policy));
    else if (cap !== undefined) set('max_completion_tokens', defaultMaxTokensOf(policy));
  }
  return out === undefined
    ? { ok: true, request, changed: false }
    : { ok: true, request: out as T, changed: true };
}
