/**
 * The scenario format, described once in zod (the schema library of every input breakwater
 * reads): types, ranges, the fields each fault kind takes, and messages that name what was
 * expected and what was given. Built from the config's field helpers so a scenario and a config
 * speak alike ("unknown option "delayMs" (allowed here: kind, probability, dialect)").
 *
 * What hangs on more than one value — `outputTokens.max ≥ min`, a down window's `toS ≥ fromS`,
 * fault probabilities adding up to at most 1 per dialect — is refined here too; scenario-parse.ts
 * lays each named model over `default`.
 */
import { z } from 'zod';
import { describe, expected, section } from '../config/config-fields.ts';
import {
  BILLING_CODES,
  CDN_STATUSES,
  FAULT_KINDS,
  FAULT_STATUSES,
  STATUS_VARIANTS,
} from './scenario.ts';

interface Range {
  min?: number;
  max?: number;
  integer?: boolean;
}

/** A plain number (no `${VAR}` in a scenario, so no strings read as numbers). */
function number({ min = 0, max = Number.POSITIVE_INFINITY, integer = false }: Range = {}) {
  const kind = integer ? 'an integer' : 'a number';
  const range = max === Number.POSITIVE_INFINITY ? `>= ${min}` : `between ${min} and ${max}`;
  const error = expected(`${kind} ${range}`);
  const schema = integer ? z.int({ error }) : z.number({ error });
  return max === Number.POSITIVE_INFINITY
    ? schema.gte(min, { error })
    : schema.gte(min, { error }).lte(max, { error });
}

function oneOf<const T extends readonly [string | number, ...(string | number)[]]>(values: T) {
  return z.literal(values, { error: expected(`one of ${values.join(', ')}`) });
}

const boolean = () => z.boolean({ error: expected('true or false') });
const text = () =>
  z
    .string({ error: expected('a non-empty string') })
    .min(1, { error: expected('a non-empty string') });

const common = {
  /** Chance in [0, 1] per request; the faults of a behaviour share one draw, so they add up. */
  probability: number({ max: 1 }),
  /** Only for requests in this dialect (both when absent). */
  dialect: oneOf(['openai', 'anthropic']).optional(),
};

const fault = <const K extends string, S extends z.core.$ZodLooseShape>(kind: K, shape: S) =>
  section({ kind: z.literal(kind), ...common, ...shape });

const afterChunks = number({ integer: true });
const seconds = number();

const Fault = z.discriminatedUnion(
  'kind',
  [
    fault('status', {
      status: oneOf(FAULT_STATUSES),
      retryAfterS: seconds.optional(),
      retryAfterMs: number().optional(),
      variant: oneOf(STATUS_VARIANTS).optional(),
      shouldRetry: boolean().optional(),
      message: text().optional(),
    }),
    fault('hang', {}),
    fault('slow_first_byte', { delayMs: number() }),
    fault('stall_midstream', { afterChunks: afterChunks.default(2), delayMs: number().optional() }),
    fault('reset', { afterChunks: afterChunks.optional() }),
    fault('malformed_json', {}),
    fault('stream_cut', { afterChunks: afterChunks.default(2) }),
    fault('midstream_error', { afterChunks: afterChunks.default(2) }),
    fault('refusal', {}),
    fault('slow_down', { retryAfterS: seconds.optional() }),
    fault('billing', { code: oneOf(BILLING_CODES).optional() }),
    fault('server_overloaded', {}),
    fault('cdn_error', { status: oneOf(CDN_STATUSES) }),
    fault('overloaded_event', {}),
  ],
  {
    error: (issue) =>
      `expected one of ${FAULT_KINDS.join(', ')}, got ${describe((issue.input as { kind?: unknown } | undefined)?.kind)}`,
  },
);

const OutputTokens = z.union(
  [
    number({ integer: true }),
    section({ min: number({ integer: true }), max: number({ integer: true }) }).check((ctx) => {
      const { min, max } = ctx.value;
      if (ctx.issues.length === 0 && max < min) {
        ctx.issues.push({
          code: 'custom',
          path: ['max'],
          input: max,
          message: `expected an integer >= ${min} (min), got ${max}`,
        });
      }
    }),
  ],
  { error: expected('an integer, or { min, max }') },
);

const DownWindow = section({
  /** Seconds since the simulator started (or was reset), by its clock. */
  fromS: number().default(0),
  /** Up to this second; down for the rest of the run when absent. */
  toS: number().optional(),
  /** 503 (OpenAI) or 529 (Anthropic) when absent. */
  status: oneOf(FAULT_STATUSES).optional(),
}).check((ctx) => {
  const { fromS, toS } = ctx.value;
  if (ctx.issues.length === 0 && toS !== undefined && toS < fromS) {
    ctx.issues.push({
      code: 'custom',
      path: ['toS'],
      input: toS,
      message: `expected a number >= ${fromS} (fromS), got ${toS}`,
    });
  }
});

const perMinute = number({ min: 1 }).optional();
const RateLimits = section({
  rpm: perMinute,
  tpm: perMinute,
  itpm: perMinute,
  otpm: perMinute,
  openaiRetryAfter: boolean().optional(),
});

export const BehaviourSchema = section({
  latency: section({
    fixedMs: number().optional(),
    jitterMs: number().optional(),
    perTokenMs: number().optional(),
  }).optional(),
  outputTokens: OutputTokens.optional(),
  toolCall: boolean().optional(),
  faults: z
    .array(Fault, { error: expected('a list') })
    .check((ctx) => {
      // Summed only once every fault is valid: a bad probability has its own message.
      if (ctx.issues.length > 0) return;
      for (const dialect of ['openai', 'anthropic'] as const) {
        let sum = 0;
        for (const f of ctx.value) if (!f.dialect || f.dialect === dialect) sum += f.probability;
        if (sum > 1 + 1e-9) {
          ctx.issues.push({
            code: 'custom',
            input: ctx.value,
            message: `probabilities add up to ${sum} for ${dialect}, more than 1`,
          });
          return;
        }
      }
    })
    .optional(),
  down: z.array(DownWindow, { error: expected('a list') }).optional(),
  rateLimits: RateLimits.optional(),
});

export const ScenarioSchema = section({
  seed: number({ integer: true, max: 2 ** 32 - 1 }).optional(),
  /** Keys accepted; any key when absent. */
  apiKeys: z.array(text(), { error: expected('a list') }).optional(),
  default: BehaviourSchema.optional(),
  /** Per model name; a name ending in `*` matches a prefix. An empty entry is `default`. */
  models: z
    .record(z.string(), BehaviourSchema.nullable(), { error: expected('a mapping') })
    .optional(),
});

/** What a scenario file holds (every field optional). */
export type Scenario = z.input<typeof ScenarioSchema>;
export type BehaviourInput = z.input<typeof BehaviourSchema>;
/** One fault as written. */
export type FaultInput = z.input<typeof Fault>;
type OmitEach<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
/** A fault without its probability, kind by kind (for code that sets the probability later). */
export type BareFault = OmitEach<FaultInput, 'probability'>;
/** A scenario as the schema checked it, defaults of single fields filled in. */
export type CheckedScenario = z.output<typeof ScenarioSchema>;
export type CheckedBehaviour = z.output<typeof BehaviourSchema>;
