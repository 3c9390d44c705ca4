/**
 * `breakwater check [--config FILE]`: reads a config as `serve` would and prints every problem
 * in it at once — file, line and column, the option's path, what is wrong and how to fix it —
 * and exits 1; a clean config gets one line saying what it holds, and exit 0.
 */
import { relative } from 'node:path';
import { ConfigError, formatPath } from '../config/config-error.ts';
import { DEFAULT_CONFIG_FILE, loadConfigFile } from '../config/config-load.ts';
import type { ResolvedConfig } from '../config/config-types.ts';
import type { CliIO, Command, OptionSpec, OptionValues } from './command.ts';

const OPTIONS = {
  config: {
    type: 'string',
    short: 'c',
    arg: 'FILE',
    description: 'Config file to check (YAML or JSON). Default: the embedded config/default.yaml.',
  },
} as const satisfies Record<string, OptionSpec>;

/** A path as a person reads it: relative to where they are, when that is shorter. */
export function shownPath(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel && !rel.startsWith('..') && rel.length < file.length ? rel : file;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** One line: what a loaded config holds. */
export function configSummary(config: ResolvedConfig): string {
  const providers = [...config.providers.keys()];
  const routes = [...config.routes.keys()];
  const list = (names: string[]) => (names.length > 0 ? ` (${names.join(', ')})` : '');
  return `${plural(providers.length, 'provider')}${list(providers)}, ${plural(routes.length, 'route')}${list(routes)}`;
}

/** Every problem of a `ConfigError`, one per line: `file:line:col: path: message`. */
export function problemLines(error: ConfigError, file: string): string[] {
  return error.issues.map((issue) => {
    const where = issue.line === undefined ? file : `${file}:${issue.line}:${issue.column ?? 1}`;
    const path = formatPath(issue.path);
    return [where, path, issue.message].filter(Boolean).join(': ');
  });
}

async function runCheck(values: OptionValues, io: CliIO): Promise<number> {
  const file = (values.config as string | undefined) ?? DEFAULT_CONFIG_FILE;
  const shown = shownPath(file);
  try {
    const config = await loadConfigFile(file, { env: io.env });
    io.out(`${shown}: OK — ${configSummary(config)}\n`);
    return 0;
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    const lines = problemLines(err, shown);
    io.err(
      `${plural(lines.length, 'problem')} in ${shown}:\n${lines.map((l) => `  ${l}\n`).join('')}`,
    );
    return 1;
  }
}

export const checkCommand: Command = {
  name: 'check',
  summary: 'Check a config and list every problem in it, with its path and the fix.',
  description:
    'Reads the config as "breakwater serve" would (environment variables included) and prints\n' +
    'every problem at once: file:line:column, the option, what is wrong and how to fix it. Exits 1\n' +
    'when there is any, 0 with a one-line summary when the config is clean.',
  options: OPTIONS,
  run: runCheck,
};
