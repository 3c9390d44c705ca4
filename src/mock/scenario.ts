/**
 * The scenario format: what the simulator does per model. `Scenario` is what a user writes (YAML
 * or JSON, every field optional); `ResolvedScenario` is the same after validation, with defaults
 * filled in and each named model laid over `default`.
 *
 * A named model's behaviour is `default` with the model's own fields on top: `latency` merges
 * field by field; `outputTokens`, `toolCall`, `faults`, `down` and `rateLimits` replace the
 * default's when given. Model names may end in `*` to match a prefix (`claude-sonnet-4-5*`);
 * exact names win, then patterns in file order, then `default`.
 */

export type Dialect = 'openai' | 'anthropic';

/** Statuses a `status` fault may inject. */
export const FAULT_STATUSES = [
  400, 401, 403, 404, 408, 409, 413, 422, 429, 500, 502, 503, 504, 529,
] as const;
export type FaultStatus = (typeof FAULT_STATUSES)[number];

/** Special shapes of a `status` fault. */
export const STATUS_VARIANTS = [
  'insufficient_quota',
  'spend_cap',
  'slow_down',
  'cloudflare',
  'context_length',
  'text_plain_401',
] as const;
export type StatusVariant = (typeof STATUS_VARIANTS)[number];

export const FAULT_KINDS = [
  'status',
  'hang',
  'slow_first_byte',
  'stall_midstream',
  'reset',
  'malformed_json',
  'stream_cut',
  'midstream_error',
  'refusal',
  'slow_down',
  'billing',
  'server_overloaded',
  'cdn_error',
  'overloaded_event',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** OpenAI's billing 429 codes (provider-wire.md §9), for a `billing` fault. */
export const BILLING_CODES = [
  'insufficient_quota',
  'credit_balance_exhausted',
  'organization_usage_limit_exceeded',
  'organization_spend_limit_exceeded',
  'project_spend_limit_exceeded',
] as const;
export type BillingCode = (typeof BILLING_CODES)[number];

/** A CDN's origin errors (Cloudflare's 52x). */
export const CDN_STATUSES = [520, 521, 522, 523, 524] as const;
export type CdnStatus = (typeof CDN_STATUSES)[number];

interface FaultCommon {
  /** Chance in [0, 1] per request; the faults of a behaviour share one draw, so they add up. */
  probability: number;
  /** Only for requests in this dialect. @default both */
  dialect?: Dialect;
}

export type Fault = FaultCommon &
  (
    | {
        kind: 'status';
        status: FaultStatus;
        /** Sends `retry-after: <s>`. */
        retryAfterS?: number;
        /** Sends `retry-after-ms: <ms>`. */
        retryAfterMs?: number;
        variant?: StatusVariant;
        /** Sends `x-should-retry: true|false`. */
        shouldRetry?: boolean;
        /** Replaces the provider's usual message. */
        message?: string;
      }
    | { kind: 'hang' }
    | { kind: 'slow_first_byte'; delayMs: number }
    | { kind: 'stall_midstream'; afterChunks: number; delayMs?: number }
    | { kind: 'reset'; afterChunks?: number }
    | { kind: 'malformed_json' }
    | { kind: 'stream_cut'; afterChunks: number }
    | { kind: 'midstream_error'; afterChunks: number }
    /** A 200 answer the model refused: OpenAI `content_filter`, Anthropic `refusal`. */
    | { kind: 'refusal' }
    // The late-2026 answers (current-faults.ts has what each sends in each dialect).
    /** OpenAI's 429 `slow_down`: lower the rate and hold it. */
    | { kind: 'slow_down'; retryAfterS?: number }
    /** A billing 429 (OpenAI) or the credit-balance 400 (Anthropic). @default code insufficient_quota */
    | { kind: 'billing'; code?: BillingCode }
    /** OpenAI's 503 `server_is_overloaded`; Anthropic's 529. */
    | { kind: 'server_overloaded' }
    /** A CDN in front of the provider answers its 52x with an HTML page. */
    | { kind: 'cdn_error'; status: CdnStatus }
    /** An overload error inside a 200 stream, before any content. */
    | { kind: 'overloaded_event' }
  );

export interface Latency {
  /** Added before the response headers. @default 0 */
  fixedMs: number;
  /** Uniform random extra in [0, jitterMs], seeded. @default 0 */
  jitterMs: number;
  /** Per output token: paces stream deltas; added before a non-stream response. @default 0 */
  perTokenMs: number;
}

export interface DownWindow {
  /** Seconds since the simulator started (or was reset), by its clock. */
  fromS: number;
  /** @default Infinity (down for the rest of the run) */
  toS: number;
  /** @default 503 (OpenAI) or 529 (Anthropic) */
  status?: FaultStatus;
}

/** Per-minute limits, each a token bucket holding one minute's worth. */
export interface RateLimits {
  /** Requests per minute (both dialects). */
  rpm?: number;
  /** OpenAI tokens per minute; a request costs its prompt estimate plus max tokens. */
  tpm?: number;
  /** Anthropic input tokens per minute; charges the prompt estimate. */
  itpm?: number;
  /** Anthropic output tokens per minute; charges the tokens actually generated. */
  otpm?: number;
  /** Also send `retry-after` on OpenAI 429s (Azure does; OpenAI does not document it). */
  openaiRetryAfter?: boolean;
}

export interface Behaviour {
  latency: Latency;
  /** Answer length in tokens when max_tokens does not cut it short. @default { min: 12, max: 40 } */
  outputTokens: { min: number; max: number };
  /** Answer with a call to the first tool whenever the request has tools. @default false */
  toolCall: boolean;
  faults: Fault[];
  down: DownWindow[];
  rateLimits?: RateLimits;
}

/** What a scenario file holds, and one model's entry in it: the schema's input types. */
export type { BareFault, BehaviourInput, FaultInput, Scenario } from './scenario-schema.ts';

export interface ResolvedScenario {
  seed: number | undefined;
  apiKeys: string[] | undefined;
  default: Behaviour;
  /** Exact names. */
  models: Map<string, Behaviour>;
  /** Names ending in `*`, in file order. */
  patterns: Array<{ prefix: string; behaviour: Behaviour }>;
}

/**
 * The behaviour for a model name: exact name, then prefix pattern, then `default`. `poolKey`
 * names the rate-limit pool: models matched by one pattern share it (a model class, as the
 * providers pool e.g. all Sonnet 4.x); every other model has its own.
 */
export function behaviourFor(
  scenario: ResolvedScenario,
  model: string,
): { behaviour: Behaviour; poolKey: string } {
  const exact = scenario.models.get(model);
  if (exact) return { behaviour: exact, poolKey: model };
  for (const { prefix, behaviour } of scenario.patterns) {
    if (model.startsWith(prefix)) return { behaviour, poolKey: `${prefix}*` };
  }
  return { behaviour: scenario.default, poolKey: model };
}
