/**
 * A route's output-length policy, applied to the caller's request before anything is sent:
 * a cap on `max_tokens` (clamped to it, or rejected with a validation error naming the cap), and
 * a default for Anthropic requests, which must carry `max_tokens` when the caller gave none.
 *
 * A pure function over the request in the caller's dialect: the engine calls it once, after the
 * route is known and before the first tier, so a capped request is capped for every target and
 * the limiter and budgets reserve what will really be asked. OpenAI's `max_tokens` and
 * `max_completion_tokens` are both capped when present; an OpenAI request with neither is left
 * as it is (the provider needs none, and a field added here could be one a compatible provider
 * rejects), so its output is bounded by the model, not the route.
 */
import type { DialectName } from '../dialects/dialect-name.ts';
import { RejectedError } from '../errors/index.ts';

export interface MaxTokensPolicy {
  /** The most output tokens a request may ask for. @default no cap */
  maxTokens?: number;
  /** What happens above the cap. @default 'clamp' */
  overMaxTokens?: 'clamp' | 'reject';
  /** `max_tokens` given to an Anthropic request that has none (capped too). @default 4096 */
  defaultMaxTokens?: number;
}

export const DEFAULT_MAX_TOKENS = 4096;

export type MaxTokensOutcome<T> =
  | { ok: true; request: T; changed: boolean }
  | { ok: false; error: RejectedError };

const FIELDS: Record<DialectName, readonly string[]> = {
  openai: ['max_completion_tokens', 'max_tokens'],
  anthropic: ['max_tokens'],
};

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
  if (dialect === 'anthropic' && !present) {
    const fallback = policy.defaultMaxTokens ?? DEFAULT_MAX_TOKENS;
    set('max_tokens', cap === undefined ? fallback : Math.min(cap, fallback));
  }
  return out === undefined
    ? { ok: true, request, changed: false }
    : { ok: true, request: out as T, changed: true };
}
