/**
 * The generic checks every part of config resolution is built from: the `Issues` collector,
 * `describe()` for the "got …" in messages, a mapping check that reports unknown keys with a
 * "did you mean", and the check of one value against its `OptionRule`.
 *
 * Checks are written by hand rather than with a schema library: the config is small, every
 * message must name the exact path and the fix (and never echo a key), unknown keys must be
 * caught at every level with a "did you mean", and a dependency would buy little. Problems are
 * collected, not thrown one at a time, so `breakwater check` lists them all at once.
 */
import type { OptionRule } from './config-defaults.ts';
import type { ConfigIssue, ConfigPath } from './config-error.ts';
import { isPlainObject } from './env-interpolate.ts';

const NUMERIC = /^[+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i;

/** Every problem found so far; `add` returns `undefined` so a check can `return issues.add(…)`. */
export class Issues {
  readonly list: ConfigIssue[] = [];
  add(path: ConfigPath, message: string): undefined {
    this.list.push({ path: [...path], message });
    return undefined;
  }
}

/** Text for "got …"; strings are quoted and shortened. Never used on keys or header values. */
export function describe(value: unknown): string {
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

function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min((row[j - 1] ?? 0) + 1, (prev[j] ?? 0) + 1, (prev[j - 1] ?? 0) + cost);
    }
    prev = row;
  }
  return prev[b.length] ?? 0;
}

/** The allowed name closest to a typo, when it is close enough to be what was meant. */
export function closest(word: string, allowed: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(word.length / 3)) + 1;
  for (const candidate of allowed) {
    const d = distance(word.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  return best;
}

/** ` — did you mean "x"?` or nothing. */
function closestHint(word: string, allowed: readonly string[]): string {
  const guess = closest(word, allowed);
  return guess ? ` — did you mean "${guess}"?` : '';
}

/** A mapping; with `allowed`, every other key (whose value is not `undefined`) is reported. */
export function objectAt(
  issues: Issues,
  value: unknown,
  path: ConfigPath,
  allowed: readonly string[] | undefined,
): Record<string, unknown> | undefined {
  if (!isPlainObject(value)) return issues.add(path, `expected a mapping, got ${describe(value)}`);
  if (allowed) {
    for (const [key, item] of Object.entries(value)) {
      if (allowed.includes(key) || item === undefined) continue;
      issues.add(
        [...path, key],
        `unknown option "${key}"${closestHint(key, allowed)} (allowed here: ${allowed.join(', ')})`,
      );
    }
  }
  return value;
}

/** `value` checked against `rule`; strings from `${VAR}` interpolation are converted. */
export function ruleValue(
  issues: Issues,
  value: unknown,
  path: ConfigPath,
  rule: OptionRule,
): number | boolean | string | undefined {
  if (rule.type === 'boolean') {
    // Strings come from `${VAR}` interpolation.
    if (typeof value === 'boolean') return value;
    if (value === 'true' || value === 'false') return value === 'true';
    return issues.add(path, `expected true or false, got ${describe(value)}`);
  }
  if (rule.type === 'enum') {
    if (typeof value === 'string' && rule.values.includes(value)) return value;
    return issues.add(path, `expected one of ${rule.values.join(', ')}, got ${describe(value)}`);
  }
  const n = typeof value === 'string' && NUMERIC.test(value.trim()) ? Number(value) : value;
  const ok =
    typeof n === 'number' &&
    Number.isFinite(n) &&
    (rule.type === 'number' || Number.isInteger(n)) &&
    n >= rule.min &&
    n <= rule.max;
  if (ok) return n;
  const kind = rule.type === 'integer' ? 'an integer' : 'a number';
  const unit = rule.unit === 'ms' ? ' (milliseconds)' : rule.unit === 'bytes' ? ' (bytes)' : '';
  const fix =
    typeof value === 'string' && rule.unit === 'ms'
      ? ' — durations are plain numbers of milliseconds: 5 s is 5000'
      : '';
  return issues.add(
    path,
    `expected ${kind} from ${rule.min} to ${rule.max}${unit}, got ${describe(value)}${fix}`,
  );
}
