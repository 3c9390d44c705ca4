/**
 * Field checks shared by the `limits`, `budgets` and `catalog` config sections: each reads one
 * value, records a path-naming problem in the issue list when it is wrong, and returns the value
 * or `undefined`. Strings holding numbers or booleans are accepted, as `${VAR}` interpolation
 * produces them. Messages follow config-resolve.ts: what was expected, what was given.
 */
import { describe, Issues } from './config-check.ts';
import type { ConfigPath } from './config-defaults.ts';
import { isPlainObject } from './env-interpolate.ts';

const NUMERIC = /^[+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i;

/** The same collector and wording as the rest of the config checks. */
export { describe, Issues as FieldIssues };

/** A mapping whose keys are all in `allowed` (any keys when `allowed` is undefined). */
export function mappingAt(
  issues: Issues,
  value: unknown,
  path: ConfigPath,
  allowed?: readonly string[],
): Record<string, unknown> | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isPlainObject(value)) return issues.add(path, `expected a mapping, got ${describe(value)}`);
  if (allowed) {
    for (const [key, item] of Object.entries(value)) {
      if (item === undefined || allowed.includes(key)) continue;
      issues.add([...path, key], `unknown option "${key}" (allowed here: ${allowed.join(', ')})`);
    }
  }
  return value;
}

export interface NumberRange {
  min: number;
  max: number;
  /** Above `min` strictly (a rate that must be positive). */
  exclusiveMin?: boolean;
  integer?: boolean;
  unit?: string;
}

export function numberAt(
  issues: Issues,
  value: unknown,
  path: ConfigPath,
  range: NumberRange,
): number | undefined {
  if (value === undefined || value === null) return undefined;
  const n = typeof value === 'string' && NUMERIC.test(value.trim()) ? Number(value) : value;
  const ok =
    typeof n === 'number' &&
    Number.isFinite(n) &&
    (!range.integer || Number.isInteger(n)) &&
    (range.exclusiveMin ? n > range.min : n >= range.min) &&
    n <= range.max;
  if (ok) return n;
  const kind = range.integer ? 'an integer' : 'a number';
  const from = range.exclusiveMin ? `above ${range.min}` : `from ${range.min}`;
  const unit = range.unit ? ` (${range.unit})` : '';
  return issues.add(
    path,
    `expected ${kind} ${from} to ${range.max}${unit}, got ${describe(value)}`,
  );
}

export function booleanAt(issues: Issues, value: unknown, path: ConfigPath): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'boolean') return value;
  if (value === 'true' || value === 'false') return value === 'true';
  return issues.add(path, `expected true or false, got ${describe(value)}`);
}

export function choiceAt<T extends string>(
  issues: Issues,
  value: unknown,
  path: ConfigPath,
  values: readonly T[],
): T | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string' && (values as readonly string[]).includes(value)) return value as T;
  return issues.add(path, `expected one of ${values.join(', ')}, got ${describe(value)}`);
}

/** Copies the defined entries of `fields` (skipping `undefined`), frozen. */
export function defined<T extends object>(fields: T): T {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) if (value !== undefined) out[key] = value;
  return Object.freeze(out) as T;
}
