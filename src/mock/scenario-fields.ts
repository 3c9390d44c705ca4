/**
 * Field readers for scenario validation: each checks one value and, when it is wrong, throws a
 * `ScenarioError` naming the field's full path (`models["gpt-4o"].faults[0].probability`) and
 * what was expected. Hand-written: the format is small and the messages are the point; a schema
 * library would add a dependency and generic wording.
 */

export class ScenarioError extends Error {
  readonly field: string;

  constructor(field: string, problem: string) {
    super(`scenario: ${field || '(root)'}: ${problem}`);
    this.name = 'ScenarioError';
    this.field = field;
  }
}

export type Obj = Record<string, unknown>;

/** `parent.key`, or `parent["odd-key"]` when the key is not a plain identifier. */
export function join(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  if (/^[A-Za-z_$][\w$]*$/.test(key)) return parent ? `${parent}.${key}` : key;
  return `${parent}[${JSON.stringify(key)}]`;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  return JSON.stringify(value);
}

export function object(value: unknown, path: string, allowed: readonly string[]): Obj {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ScenarioError(path, `expected an object, got ${describe(value)}`);
  }
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) {
      throw new ScenarioError(
        join(path, key),
        `unknown field (expected one of: ${allowed.join(', ')})`,
      );
    }
  }
  return value as Obj;
}

export function list(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value))
    throw new ScenarioError(path, `expected a list, got ${describe(value)}`);
  return value;
}

interface NumberRule {
  min?: number;
  max?: number;
  integer?: boolean;
}

export function number(value: unknown, path: string, rule: NumberRule = {}): number {
  const { min = 0, max = Number.POSITIVE_INFINITY, integer = false } = rule;
  const ok =
    typeof value === 'number' &&
    !Number.isNaN(value) &&
    value >= min &&
    value <= max &&
    (!integer || Number.isInteger(value));
  if (!ok) {
    const kind = integer ? 'an integer' : 'a number';
    const range = max === Number.POSITIVE_INFINITY ? `>= ${min}` : `between ${min} and ${max}`;
    throw new ScenarioError(path, `expected ${kind} ${range}, got ${describe(value)}`);
  }
  return value;
}

export function optionalNumber(
  obj: Obj,
  key: string,
  path: string,
  rule?: NumberRule,
): number | undefined {
  return obj[key] === undefined ? undefined : number(obj[key], join(path, key), rule);
}

export function boolean(value: unknown, path: string): boolean {
  if (typeof value !== 'boolean') {
    throw new ScenarioError(path, `expected true or false, got ${describe(value)}`);
  }
  return value;
}

export function string(value: unknown, path: string): string {
  if (typeof value !== 'string' || value === '') {
    throw new ScenarioError(path, `expected a non-empty string, got ${describe(value)}`);
  }
  return value;
}

export function oneOf<T extends string | number>(
  value: unknown,
  path: string,
  choices: readonly T[],
): T {
  if (!choices.includes(value as T)) {
    throw new ScenarioError(path, `expected one of ${choices.join(', ')}, got ${describe(value)}`);
  }
  return value as T;
}
