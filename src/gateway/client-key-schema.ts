/**
 * A client key entry (`--client-keys-file`, `BREAKWATER_CLIENT_KEYS`, or `buildGateway`'s
 * options), described once with the config's own building blocks: every problem is named at its
 * field (`limits.rpm: expected an integer above 0 …`), and never quotes the key. The few rules
 * over two fields — `key` or `keyHash`, not both — and the "set one of" rules are checked beside
 * it in `clientKeyProblems`.
 */
import { z } from 'zod';
import type { ConfigIssue } from '../config/config-error.ts';
import { describe, number, section } from '../config/config-fields.ts';
import { configIssues } from '../config/config-issues.ts';
import { BudgetLimitSchema } from '../config/config-schema.ts';

/** Shorter keys are refused: a gateway key must not be guessable. */
const MIN_CLIENT_KEY_LENGTH = 16;

const ID = /^[A-Za-z0-9][A-Za-z0-9._:@-]{0,63}$/;
const HASH = /^(?:sha256:)?[0-9a-fA-F]{64}$/;
const PER_MINUTE = { min: 0, max: 1e12, exclusiveMin: true, integer: true } as const;

const ClientKeyLimitsSchema = section({
  rpm: number({ ...PER_MINUTE, unit: 'requests' }).optional(),
  tpm: number({ ...PER_MINUTE, unit: 'tokens' }).optional(),
});

const ID_RULE = 'a name of 1–64 letters, digits or ._:@- characters';

const ClientKeySchema = section({
  id: z
    .string({ error: (issue) => `expected ${ID_RULE}, got ${describe(issue.input)}` })
    .regex(ID, { error: `expected ${ID_RULE}` }),
  // Messages about a key never show it.
  key: z
    .string({ error: 'expected a string' })
    .min(MIN_CLIENT_KEY_LENGTH, {
      error: `expected at least ${MIN_CLIENT_KEY_LENGTH} characters and no spaces`,
    })
    .regex(/^\S+$/, {
      error: `expected at least ${MIN_CLIENT_KEY_LENGTH} characters and no spaces`,
    })
    .optional(),
  keyHash: z
    .string({ error: 'expected 64 hex digits (the key’s SHA-256)' })
    .regex(HASH, { error: 'expected 64 hex digits (the key’s SHA-256)' })
    .optional(),
  routes: z
    .array(z.string().min(1), { error: 'expected a list of route names' })
    .optional()
    .meta({ description: 'Routes (or provider/model targets) this key may use; * for all.' }),
  limits: ClientKeyLimitsSchema.optional(),
  budget: BudgetLimitSchema.optional(),
});

export type ClientKeyEntry = z.output<typeof ClientKeySchema>;

/** Every problem of one entry, each at its field. */
export function clientKeyProblems(entry: unknown): ConfigIssue[] {
  const parsed = ClientKeySchema.safeParse(entry, { reportInput: true });
  const issues = parsed.success ? [] : configIssues(parsed.error.issues);
  if (typeof entry !== 'object' || entry === null) return issues;
  const given = entry as Record<string, unknown>;
  if (given.key !== undefined && given.keyHash !== undefined)
    issues.push({ path: [], message: 'give `key` or `keyHash`, not both' });
  if (given.key === undefined && given.keyHash === undefined)
    issues.push({ path: [], message: 'expected `key` or `keyHash` to be a string' });
  const empty = (field: string, fields: string) => {
    const value = given[field];
    if (typeof value === 'object' && value !== null && Object.keys(value).length === 0)
      issues.push({ path: [field], message: fields });
  };
  empty('limits', 'set rpm, tpm or both, e.g. { rpm: 60, tpm: 100000 }');
  empty('budget', 'set dailyUsd, monthlyUsd or both, e.g. { dailyUsd: 50 }');
  return issues;
}
