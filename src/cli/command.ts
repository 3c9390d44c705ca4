/**
 * What a subcommand is: its name, a one-line summary, and its flags — one definition that both
 * `node:util`'s `parseArgs` reads and the help text is written from, so help can never leave a
 * flag out. Every command accepts `--help`. A mistake on the command line is a `UsageError`
 * (exit 2), told in one line that names the flag and where to look.
 */
import { parseArgs } from 'node:util';

export interface OptionSpec {
  readonly type: 'string' | 'boolean';
  readonly short?: string;
  /** The value's placeholder in help: `FILE`, `N`, `HOST`. */
  readonly arg?: string;
  /** One line: what it does and its default. */
  readonly description: string;
}

export type OptionValues = Record<string, string | boolean | undefined>;

/** Where a command writes: stdout for results, stderr for the banner and messages. */
export interface CliIO {
  out(text: string): void;
  err(text: string): void;
  readonly env: Readonly<Record<string, string | undefined>>;
}

export interface Command {
  readonly name: string;
  readonly summary: string;
  /** A paragraph for `help COMMAND`. */
  readonly description: string;
  readonly options: Readonly<Record<string, OptionSpec>>;
  run(values: OptionValues, io: CliIO): Promise<number>;
}

/** A mistake on the command line: exit 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export const HELP_OPTION: OptionSpec = Object.freeze({
  type: 'boolean',
  short: 'h',
  description: 'Show this help.',
});

/** A command's flags with `--help`, as `parseArgs` takes them. */
export function allOptions(command: Command): Record<string, OptionSpec> {
  return { ...command.options, help: HELP_OPTION };
}

/** Parses `argv` against the command's own flags; a mistake is a `UsageError` naming it. */
export function parseCommandArgs(command: Command, argv: readonly string[]): OptionValues {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = {};
  for (const [name, spec] of Object.entries(allOptions(command))) {
    options[name] = spec.short ? { type: spec.type, short: spec.short } : { type: spec.type };
  }
  try {
    const { values, positionals } = parseArgs({
      args: [...argv],
      options,
      strict: true,
      allowPositionals: true,
    });
    if (positionals.length > 0 && !values.help) {
      throw new UsageError(
        `unexpected argument "${positionals[0]}" — run "breakwater help ${command.name}" for its options`,
      );
    }
    return values as OptionValues;
  } catch (err) {
    if (err instanceof UsageError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    const flag = /'(-[^']*)'/.exec((err as Error).message)?.[1];
    const problem =
      code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION'
        ? `unknown option ${flag ?? ''}`
        : code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE'
          ? (err as Error).message.split('\n')[0]
          : (err as Error).message;
    throw new UsageError(`${problem} — run "breakwater help ${command.name}" for its options`);
  }
}

/** A flag's value as an integer in [min, max], or `fallback` when it was not given. */
export function integerFlag(
  values: OptionValues,
  name: string,
  fallback: number,
  min = 0,
  max = Number.MAX_SAFE_INTEGER,
): number {
  const value = values[name];
  if (value === undefined) return fallback;
  const n = typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `at least ${min}` : `from ${min} to ${max}`;
    throw new UsageError(`--${name} must be an integer ${range}, got "${String(value)}"`);
  }
  return n;
}
