/**
 * The config file, described once: every section and option with its type, range, default and
 * meaning. zod checks a config against it (every problem at once, each at its path), the types
 * come from it, and `npm run schema` writes it out as `config.schema.json` for editors
 * (`# yaml-language-server: $schema=…` in config/default.yaml).
 *
 * What hangs on more than one value — a target naming a known provider, `capMs ≥ baseMs`, a
 * provider's dialect when its name does not give it — is checked in config-resolve.ts, which
 * turns the checked tree into what the engine reads.
 *
 * Ranges and defaults of the policy options live in config-defaults.ts (`POLICY_RULES`,
 * `DEFAULT_POLICY`), which docs/config.md is tested against; this file builds their schema.
 */
import { z } from 'zod';
import {
  CACHE_MAX_BYTES_RULE,
  DEFAULT_CACHE_MAX_BYTES,
  DEFAULT_IDEMPOTENCY,
  DEFAULT_POLICY,
  IDEMPOTENCY_RULES,
  type OptionRule,
  POLICY_RULES,
} from './config-defaults.ts';
import {
  boolean,
  describe,
  expected,
  ms,
  named,
  number,
  oneOf,
  section,
  text,
  typeName,
} from './config-fields.ts';
import { StoreSchema } from './config-store.ts';
import { TelemetrySchema } from './config-telemetry.ts';

function option(rule: OptionRule, fallback: unknown, description?: string) {
  const schema =
    rule.type === 'boolean'
      ? boolean()
      : rule.type === 'enum'
        ? oneOf(rule.values as [string, ...string[]])
        : number({
            ...rule,
            integer: rule.type === 'integer',
            // Only milliseconds and bytes are worth naming in the message.
            unit: rule.unit === 'ms' || rule.unit === 'bytes' ? rule.unit : undefined,
          });
  return schema.optional().meta({ default: fallback, ...(description ? { description } : {}) });
}

/** A policy section, every option optional (a section is merged over a base option by option). */
function policySection<S extends keyof typeof POLICY_RULES>(name: S) {
  const rules = POLICY_RULES[name] as Record<string, OptionRule>;
  const defaults = DEFAULT_POLICY[name] as Record<string, unknown>;
  const shape = Object.fromEntries(
    Object.entries(rules).map(([key, rule]) => [key, option(rule, defaults[key])]),
  );
  return section(shape);
}

const Retry = policySection('retry');
const Timeouts = policySection('timeouts');
const Breaker = policySection('breaker');
const CachePolicy = policySection('cache');
const Hedge = policySection('hedge');

export const PolicySchema = section(
  {
    retry: Retry.optional().meta({ description: 'Retries per target, with full-jitter backoff.' }),
    timeouts: Timeouts.optional().meta({
      description: 'Connect, first byte, idle between bytes, and the whole-request deadline.',
    }),
    breaker: Breaker.optional().meta({
      description:
        "Each target's circuit breaker (global only; a provider's `breaker` refines it, a route may not set it).",
    }),
    cache: CachePolicy.optional().meta({ description: 'The response cache for this policy.' }),
    hedge: Hedge.optional().meta({
      description: 'Hedged attempts: a second attempt beside one with no usable head in time.',
    }),
  },
  'Retry, timeouts, breaker, cache and hedging: set globally, merged per route.',
);

const URL_EXAMPLE = 'e.g. "https://api.groq.com/openai"';

const BaseUrl = z
  .string({ error: expected(`an http(s) URL, ${URL_EXAMPLE}`) })
  .superRefine((value, ctx) => {
    const problem = baseUrlProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  })
  .meta({
    description:
      'Without /v1 (a trailing /v1 is removed): the engine appends /v1/chat/completions or /v1/messages. No credentials, query or fragment.',
  });

/** What is wrong with a base URL, never quoting text that may hold a secret. */
export function baseUrlProblem(value: string): string | undefined {
  if (value.trim() === '') return `expected an http(s) URL, ${URL_EXAMPLE}, got ""`;
  const shown = /[@?#]/.test(value) ? 'the value' : JSON.stringify(value);
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    return `${shown} is not a URL — write it in full, ${URL_EXAMPLE}`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    return `expected an http or https URL, got the ${url.protocol} scheme`;
  if (url.username || url.password)
    return 'must not contain credentials (user:password@) — put the key in apiKey';
  if (url.search || url.hash)
    return 'must not have a query or fragment — use headers for extra parameters';
  return undefined;
}

const secret = (what: string) => (issue: { input?: unknown }) =>
  `expected ${what}, got ${typeName(issue.input)}`;

const ApiKey = z
  .union(
    [
      z.string(),
      z.array(z.string({ error: secret('a string') }), { error: secret('a list') }),
      z.custom<() => string | Promise<string>>((v) => typeof v === 'function'),
    ],
    { error: secret('a key, a list of keys or a function') },
  )
  .nullish()
  .meta({
    description:
      'One key, a list used round robin (a key that gets a 401 rests), or in TypeScript a function asked again after a 401. An unset environment variable means no key.',
  });

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

const Headers = z
  .record(
    z.string().regex(HEADER_NAME, { error: 'is not a valid HTTP header name' }),
    z.string({ error: secret('a string') }),
    { error: expected('a mapping') },
  )
  .nullish()
  .meta({
    description: 'Sent upstream on every call, e.g. OpenAI-Organization or anthropic-beta.',
  });

export const ProviderSchema = section(
  {
    dialect: oneOf(['openai', 'anthropic'], 'openai or anthropic').optional().meta({
      description:
        'The wire format: openai (Chat Completions) or anthropic (Messages). Defaults to the name for providers named openai or anthropic.',
    }),
    baseUrl: BaseUrl.optional(),
    apiKey: ApiKey,
    headers: Headers,
    breaker: Breaker.optional().meta({
      description: "This provider's targets' breaker, merged over the global policy.breaker.",
    }),
  },
  'An upstream API, by the name targets use (openai in openai/gpt-4o).',
);

const TIERS_EXAMPLE = 'e.g. tiers: [openai/gpt-4o-mini, anthropic/claude-haiku-4-5]';
const Target = z.string({ error: expected('a provider/model target') });

export const RouteSchema = section(
  {
    tiers: z
      .array(
        z.union([Target, z.array(Target).min(1, { error: 'a tier needs at least one target' })], {
          error: expected('a provider/model target'),
        }),
        {
          error: (issue) =>
            issue.input === undefined
              ? `required: the targets to try in order, ${TIERS_EXAMPLE}`
              : `expected a non-empty list of targets, ${TIERS_EXAMPLE}; got ${describe(issue.input)}`,
        },
      )
      .min(1, {
        error: (issue) =>
          `expected a non-empty list of targets, ${TIERS_EXAMPLE}; got ${describe(issue.input)}`,
      })
      .meta({
        description:
          'Tried in order; each tier is a provider/model target or a list of them tried in order.',
      }),
    contextFallback: Target.optional().meta({
      description: 'A larger-context target for prompts that do not fit the tiers.',
    }),
    onContextOverflow: oneOf(['reject', 'fallback', 'slide', 'summarize']).optional().meta({
      description:
        'A prompt too long for every tier: reject (400), fallback (to contextFallback), slide (drop the oldest turns) or summarize (older turns summarised through summaryRoute). Default: fallback with a contextFallback, else reject.',
    }),
    summaryRoute: Target.optional().meta({
      description:
        'The route or provider/model that writes summaries for onContextOverflow: summarize (a cheap model). Default: the route itself.',
    }),
    staticMessage: text().optional().meta({
      description: 'A friendly answer returned when every tier and the cache failed.',
    }),
    onRefusal: oneOf(
      ['answer', 'fallback'],
      '"answer" (return the refusal as is) or "fallback" (try the next tier)',
    )
      .optional()
      .meta({ default: 'answer', description: 'What a refusal does.' }),
    coalesce: boolean().optional().meta({
      default: false,
      description:
        'Identical non-streaming calls in flight at once share one upstream call and its answer.',
    }),
    policy: PolicySchema.optional(),
  },
  'A name clients send as model: ordered tiers of targets and the fallbacks.',
);

const PER_MINUTE = { min: 0, max: 1e12, exclusiveMin: true, unit: 'per minute' } as const;
const TOKENS = { min: 1, max: 10_000_000, integer: true, unit: 'tokens' } as const;
const SHARE = { min: 0, max: 1, exclusiveMin: true } as const;
const HOUR_MS = 3_600_000;

const LimitRule = section({
  rpm: number(PER_MINUTE).optional(),
  tpm: number(PER_MINUTE).optional(),
  itpm: number(PER_MINUTE).optional(),
  otpm: number(PER_MINUTE).optional(),
  maxConcurrent: number({ min: 1, max: 1_000_000, integer: true }).optional(),
  per: oneOf(['key', 'target']).optional(),
  shared: boolean().optional(),
  outputCharge: oneOf(['reserved', 'actual']).optional(),
});

const MaxTokensPolicy = section({
  maxTokens: number(TOKENS).optional(),
  overMaxTokens: oneOf(['clamp', 'reject']).optional(),
  defaultMaxTokens: number(TOKENS).optional(),
});

export const LimitsSchema = section(
  {
    targets: named(LimitRule).optional().meta({
      description:
        'Per-minute limits by pattern: provider/model, provider/prefix*, provider/* or *.',
    }),
    queue: section({
      maxDepth: number({ min: 0, max: 1_000_000, integer: true, unit: 'requests' }).optional(),
      maxWaitMs: ms(0, HOUR_MS).optional(),
      callHeadroomMs: ms(0, HOUR_MS).optional(),
    }).optional(),
    adaptive: section({
      enabled: boolean().optional(),
      decrease: number({ ...SHARE, max: 0.99 }).optional(),
      increase: number(SHARE).optional(),
      minFactor: number(SHARE).optional(),
      cooldownMs: ms(0, 24 * HOUR_MS).optional(),
      slowDownHoldMs: ms(0, 24 * HOUR_MS).optional(),
    }).optional(),
    learnFromHeaders: boolean().optional(),
    assumedOutputTokens: number(TOKENS).optional(),
    leaseGraceMs: ms(0, 24 * HOUR_MS).optional(),
    routes: named(MaxTokensPolicy)
      .optional()
      .meta({ description: 'max_tokens policy by route name; * for every route without its own.' }),
  },
  'Rate limits, the admission queue and max_tokens policies (docs/limits.md).',
);

const DOLLARS = { min: 0, max: 1e9, unit: 'US dollars' } as const;
const PRICE = { min: 0, max: 1e6, unit: 'US dollars per million tokens' } as const;

export const BudgetLimitSchema = section({
  dailyUsd: number(DOLLARS).optional(),
  monthlyUsd: number(DOLLARS).optional(),
});

const Prices = {
  inputUsdPerMTok: number(PRICE).optional(),
  cachedInputUsdPerMTok: number(PRICE).optional(),
  cacheWriteUsdPerMTok: number(PRICE).optional(),
  outputUsdPerMTok: number(PRICE).optional(),
};

export const BudgetsSchema = section(
  {
    routes: named(BudgetLimitSchema).optional(),
    tenants: named(BudgetLimitSchema).optional(),
    total: BudgetLimitSchema.optional(),
    thresholds: z
      .array(number({ min: 0, max: 10, exclusiveMin: true }), {
        error: expected('a list of shares such as [0.5, 0.8, 1]'),
      })
      .optional(),
    unpricedModel: section(Prices).optional(),
  },
  'Spend budgets per route, per gateway client and in total (docs/limits.md).',
);

export const CatalogSchema = named(
  section({
    contextWindow: number({ min: 1, max: 1e9, integer: true, unit: 'tokens' }).optional(),
    maxOutputTokens: number({ min: 1, max: 1e9, integer: true, unit: 'tokens' }).optional(),
    ...Prices,
  }),
).meta({
  description: 'Model facts and prices over the built-in catalog, by provider/model or model name.',
});

export const ConfigSchema = section(
  {
    providers: named(ProviderSchema.nullish()).optional().meta({
      description: 'Upstream APIs, by the name targets use. At least one.',
    }),
    routes: named(RouteSchema).nullish().meta({
      description: 'Names a client can send as model. A plain provider/model works too.',
    }),
    policy: PolicySchema.nullish(),
    cache: section({
      maxBytes: option(CACHE_MAX_BYTES_RULE, DEFAULT_CACHE_MAX_BYTES),
    })
      .nullish()
      .meta({ description: 'The response cache shared by every route.' }),
    idempotency: section({
      ttlMs: option(IDEMPOTENCY_RULES.ttlMs, DEFAULT_IDEMPOTENCY.ttlMs),
      maxBytes: option(IDEMPOTENCY_RULES.maxBytes, DEFAULT_IDEMPOTENCY.maxBytes),
    })
      .nullish()
      .meta({ description: "Answers kept under the callers' Idempotency-Keys." }),
    limits: LimitsSchema.nullish(),
    budgets: BudgetsSchema.nullish(),
    catalog: CatalogSchema.nullish(),
    telemetry: TelemetrySchema.nullish(),
    store: StoreSchema.nullish(),
  },
  "breakwater's configuration (docs/config.md).",
);
