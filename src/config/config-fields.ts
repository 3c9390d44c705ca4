/**
 * The config schema's building blocks, each with the message a person reads when it is broken —
 * what was expected, what was given, and the fix where there is one ("durations are plain numbers
 * of milliseconds: 5 s is 5000") — written by zod's error hook, so config-schema.ts reads as the
 * list of options it is.
 *
 * Values come after `${VAR}` interpolation, which yields strings: a number or boolean written as
 * a string of digits or `"true"` / `"false"` is read as one. Values at `apiKey` and `headers`
 * may be secrets: their messages name the kind of value, never the value.
 */
import { z } from 'zod';

const NUMERIC = /^[+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i;

/** Text for "got …"; strings are quoted and shortened. Never used on keys or header values. */
export function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') {
    return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  }
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'function') return 'a function';
  return String(value);
}

/** The kind of a value, never the value itself: for values that may be secrets. */
export function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** An error hook: `expected <what>, got <value>` (and `fix` after it when given). */
export function expected(what: string, fix?: (input: unknown) => string) {
  return (issue: { input?: unknown }) =>
    `expected ${what}, got ${describe(issue.input)}${fix?.(issue.input) ?? ''}`;
}

const toNumber = (value: unknown) =>
  typeof value === 'string' && NUMERIC.test(value.trim()) ? Number(value) : value;

const toBoolean = (value: unknown) => (value === 'true' ? true : value === 'false' ? false : value);

const UNITS: Readonly<Record<string, string>> = { ms: ' (milliseconds)', bytes: ' (bytes)' };

export interface Range {
  min: number;
  max: number;
  /** `ms`, `bytes`, `tokens`, … — shown in the message for ms and bytes. */
  unit?: string;
  integer?: boolean;
  /** Strictly above `min` (a rate that must be positive). */
  exclusiveMin?: boolean;
}

/** A number in a range (a numeric string from `${VAR}` is read as one). */
export function number(range: Range) {
  const kind = range.integer ? 'an integer' : 'a number';
  const from = range.exclusiveMin ? `above ${range.min}` : `from ${range.min}`;
  const unit =
    UNITS[range.unit ?? ''] ?? (range.unit && range.unit !== 'ms' ? ` (${range.unit})` : '');
  const error = expected(`${kind} ${from} to ${range.max}${unit}`, (input) =>
    typeof input === 'string' && range.unit === 'ms'
      ? ' — durations are plain numbers of milliseconds: 5 s is 5000'
      : '',
  );
  let schema = range.integer ? z.int({ error }) : z.number({ error });
  schema = range.exclusiveMin ? schema.gt(range.min, { error }) : schema.gte(range.min, { error });
  schema = schema.lte(range.max, { error });
  return z.preprocess(toNumber, schema);
}

export const ms = (min: number, max: number) => number({ min, max, unit: 'ms', integer: true });

export const boolean = () =>
  z.preprocess(toBoolean, z.boolean({ error: expected('true or false') }));

export function oneOf<const T extends readonly [string, ...string[]]>(values: T, what?: string) {
  return z.enum(values, { error: expected(what ?? `one of ${values.join(', ')}`) });
}

export const text = (what = 'a non-empty string') =>
  z.string({ error: expected(what) }).min(1, { error: expected(what) });

/**
 * A mapping whose keys are all known: an unknown key is reported at its own path, with the
 * closest allowed name (config-issues.ts reads the allowed keys this hook hands it).
 */
export function section<T extends z.core.$ZodLooseShape>(shape: T, description?: string) {
  const allowed = Object.keys(shape);
  const schema = z.strictObject(shape, {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `${ALLOWED}${allowed.join(',')}`
        : `expected a mapping, got ${describe(issue.input)}`,
  });
  return description ? schema.meta({ description }) : schema;
}

/** A mapping of names the user chooses (routes, providers, patterns) to `value`. */
export function named<T extends z.ZodType>(value: T) {
  return z.record(z.string(), value, { error: expected('a mapping') });
}

/** Marks an `unrecognized_keys` message that carries the allowed keys. */
export const ALLOWED = '\u0000allowed:';
