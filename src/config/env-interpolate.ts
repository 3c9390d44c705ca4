/**
 * Environment interpolation over a parsed config tree: `${NAME}` is replaced by the variable's
 * value and `${NAME:-fallback}` by the fallback when the variable is unset or empty (as in a
 * shell); `$${` writes a literal `${`. Only string values are touched, never keys; functions,
 * numbers and booleans pass through. Defaults are plain text (no nesting).
 *
 * A variable that is not set, with no fallback, is an error naming the path and the variable —
 * except where "not set" has a sensible meaning: at a provider's `apiKey` it means "no key
 * configured", so the key becomes `undefined` (a list drops that entry) and a config that names
 * `${OPENAI_API_KEY}` still loads on a machine without keys. Messages never quote text found at
 * an `apiKey` path.
 */
import { ConfigError, type ConfigIssue, type ConfigPath } from './config-defaults.ts';

export type Env = Readonly<Record<string, string | undefined>>;

export interface InterpolateOptions {
  /** @default process.env */
  env?: Env;
  /** Where a missing variable makes the value absent instead of failing. @default isApiKeyPath */
  isOptional?: (path: ConfigPath) => boolean;
}

/** `providers.<name>.apiKey` or one entry of an `apiKey` list. */
export function isApiKeyPath(path: ConfigPath): boolean {
  return (
    path[0] === 'providers' &&
    path[2] === 'apiKey' &&
    (path.length === 3 || (path.length === 4 && typeof path[3] === 'number'))
  );
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Marks a value whose variable was missing at an optional path. */
const ABSENT = Symbol('absent');

type StringResult = { value: string } | { missing: string[] } | { invalid: string };

/** Interpolates one string. Exported for tests and for callers with a single value. */
export function interpolateString(text: string, env: Env): StringResult {
  if (!text.includes('$')) return { value: text };
  let out = '';
  const missing: string[] = [];
  let i = 0;
  while (i < text.length) {
    const dollar = text.indexOf('$', i);
    if (dollar < 0) {
      out += text.slice(i);
      break;
    }
    out += text.slice(i, dollar);
    if (text.startsWith('$${', dollar)) {
      out += '${';
      i = dollar + 3;
      continue;
    }
    if (text[dollar + 1] !== '{') {
      out += '$';
      i = dollar + 1;
      continue;
    }
    const close = text.indexOf('}', dollar + 2);
    if (close < 0) return { invalid: `unterminated "\${" at character ${dollar + 1}` };
    const expr = text.slice(dollar + 2, close);
    const sep = expr.indexOf(':-');
    const name = sep < 0 ? expr : expr.slice(0, sep);
    if (!NAME.test(name)) {
      return {
        invalid: `"\${${expr}}" is not a valid reference — write \${NAME} or \${NAME:-default} (NAME is letters, digits and _), or $\${ for a literal "\${"`,
      };
    }
    const value = env[name];
    if (sep >= 0) out += value === undefined || value === '' ? expr.slice(sep + 2) : value;
    else if (value === undefined) missing.push(name);
    else out += value;
    i = close + 1;
  }
  return missing.length > 0 ? { missing } : { value: out };
}

function missingMessage(names: readonly string[]): string {
  const [first] = names;
  const list = names.join(', ');
  const verb = names.length === 1 ? 'is' : 'are';
  return `environment variable ${list} ${verb} not set — set it, or give a default: \${${first}:-value}`;
}

/**
 * Returns a copy of `tree` with every string interpolated. Throws one `ConfigError` listing every
 * unresolved reference.
 */
export function interpolateEnv<T>(tree: T, options: InterpolateOptions = {}): T {
  const env = options.env ?? process.env;
  const isOptional = options.isOptional ?? isApiKeyPath;
  const issues: ConfigIssue[] = [];

  const walk = (value: unknown, path: (string | number)[]): unknown => {
    if (typeof value === 'string') {
      const result = interpolateString(value, env);
      if ('value' in result) return result.value;
      if ('missing' in result && isOptional(path)) return ABSENT;
      const message =
        'missing' in result
          ? missingMessage(result.missing)
          : isApiKeyPath(path)
            ? `invalid \${...} reference — write \${NAME} or \${NAME:-default}`
            : result.invalid;
      issues.push({ path: [...path], message });
      return value;
    }
    if (Array.isArray(value)) {
      const out: unknown[] = [];
      value.forEach((item, index) => {
        const next = walk(item, [...path, index]);
        if (next !== ABSENT) out.push(next);
      });
      // Every entry of an optional list was missing: the whole value is absent.
      return out.length === 0 && value.length > 0 && isOptional(path) ? ABSENT : out;
    }
    if (isPlainObject(value)) {
      const out: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(value)) {
        const next = walk(item, [...path, key]);
        if (next !== ABSENT) out[key] = next;
      }
      return out;
    }
    return value;
  };

  const result = walk(tree, []);
  if (issues.length > 0) throw new ConfigError(issues);
  return (result === ABSENT ? undefined : result) as T;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
