/**
 * Command-line flags for a bench: `--name value`, `--name=value` and bare `--name` for booleans,
 * checked against a spec. A wrong flag or value throws a `FlagError` that names the flag.
 */

export type FlagSpec =
  | { type: 'integer'; min: number; help: string }
  | { type: 'number'; min: number; help: string }
  | { type: 'string'; values?: readonly string[]; help: string }
  | { type: 'boolean'; help: string };

type ValueOf<S extends FlagSpec> = S extends { type: 'boolean' }
  ? boolean
  : S extends { type: 'string' }
    ? string
    : number;

/** Only the flags given; defaults are the bench's business (they may depend on other flags). */
export type Flags<T extends Record<string, FlagSpec>> = { [K in keyof T]?: ValueOf<T[K]> };

export class FlagError extends Error {
  override name = 'FlagError';
}

export function parseFlags<T extends Record<string, FlagSpec>>(
  argv: readonly string[],
  spec: T,
): Flags<T> {
  const out: Record<string, number | string | boolean> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) throw new FlagError(`unexpected argument "${arg}"`);
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq === -1 ? undefined : eq);
    const rule = spec[name];
    if (!rule) {
      throw new FlagError(`unknown flag --${name} (flags: ${Object.keys(spec).join(', ')})`);
    }
    if (rule.type === 'boolean') {
      if (eq !== -1) throw new FlagError(`--${name} takes no value`);
      out[name] = true;
      continue;
    }
    const raw = eq === -1 ? argv[++i] : arg.slice(eq + 1);
    if (raw === undefined) throw new FlagError(`--${name} needs a value`);
    out[name] = parseValue(name, rule, raw);
  }
  return out as Flags<T>;
}

function parseValue(name: string, rule: FlagSpec, raw: string): number | string {
  if (rule.type === 'string') {
    if (rule.values && !rule.values.includes(raw)) {
      throw new FlagError(`--${name} must be one of ${rule.values.join(', ')}, got "${raw}"`);
    }
    return raw;
  }
  const value = Number(raw);
  const kind = rule.type === 'integer' ? 'an integer' : 'a number';
  const ok = rule.type === 'integer' ? Number.isInteger(value) : Number.isFinite(value);
  if (raw.trim() === '' || !ok || value < (rule as { min: number }).min) {
    const min = (rule as { min: number }).min;
    throw new FlagError(`--${name} must be ${kind} ≥ ${min}, got "${raw}"`);
  }
  return value;
}

/** One line per flag, for `--help` and usage errors. */
export function describeFlags(spec: Record<string, FlagSpec>): string {
  const width = Math.max(...Object.keys(spec).map((n) => n.length)) + 2;
  return Object.entries(spec)
    .map(([name, rule]) => `  --${name.padEnd(width)}${rule.help}`)
    .join('\n');
}

/**
 * A bench's command line read: its flags, or the exit code once `--help` (0) or a bad flag (2)
 * has been answered with the usage.
 */
export function commandLine<T extends Record<string, FlagSpec>>(
  bench: string,
  spec: T,
  argv: readonly string[] = process.argv.slice(2),
): Flags<T> | number {
  const usage = `usage: npm run bench -- ${bench} [flags]\n\nflags:\n${describeFlags(spec)}`;
  let flags: Flags<T>;
  try {
    flags = parseFlags(argv, spec);
  } catch (error) {
    if (!(error instanceof FlagError)) throw error;
    console.error(`${error.message}\n\n${usage}`);
    return 2;
  }
  if ((flags as { help?: boolean }).help) {
    console.log(usage);
    return 0;
  }
  return flags;
}
