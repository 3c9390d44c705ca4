/**
 * The `breakwater` command: dispatches to one module per subcommand, prints help and the version,
 * and turns every failure into one line on stderr and an exit code — 2 for a mistake on the
 * command line, 1 for anything else — never a stack trace.
 */
import { readFileSync } from 'node:fs';
import { checkCommand } from './check.ts';
import { type CliIO, type Command, parseCommandArgs, UsageError } from './command.ts';
import { commandHelp, overview } from './help.ts';
import { mockCommand } from './mock.ts';
import { policiesCommand } from './policies.ts';
import { serveCommand } from './serve.ts';

export const COMMANDS: readonly Command[] = [
  serveCommand,
  mockCommand,
  checkCommand,
  policiesCommand,
];

/** The package's version (the same package.json beside src/ and dist/). */
export function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
  return (pkg as { version: string }).version;
}

const processIO: CliIO = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  env: process.env,
};

/** An error's message, first line only unless it is a list of problems (a config's). */
function describeFailure(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const issues = (err as { issues?: unknown }).issues;
  return Array.isArray(issues) ? err.message : (err.message.split('\n')[0] ?? err.name);
}

function find(name: string): Command | undefined {
  return COMMANDS.find((c) => c.name === name);
}

export async function main(argv: readonly string[], io: CliIO = processIO): Promise<number> {
  const [first, ...rest] = argv;
  let command: Command | undefined;
  try {
    switch (first) {
      case undefined:
      case '--help':
      case '-h':
        io.out(overview(COMMANDS));
        return 0;
      case '--version':
      case '-v':
      case 'version':
        io.out(`breakwater ${version()}\n`);
        return 0;
      case 'help': {
        if (rest[0] === undefined) {
          io.out(overview(COMMANDS));
          return 0;
        }
        const target = find(rest[0]);
        if (!target)
          throw new UsageError(
            `no command "${rest[0]}" — the commands are: ${COMMANDS.map((c) => c.name).join(', ')}`,
          );
        io.out(commandHelp(target));
        return 0;
      }
    }
    command = find(first);
    if (!command) {
      throw new UsageError(
        `unknown command "${first}" — the commands are: ${COMMANDS.map((c) => c.name).join(', ')} (breakwater help)`,
      );
    }
    const values = parseCommandArgs(command, rest);
    if (values.help) {
      io.out(commandHelp(command));
      return 0;
    }
    return await command.run(values, io);
  } catch (err) {
    io.err(`breakwater${command ? ` ${command.name}` : ''}: ${describeFailure(err)}\n`);
    return err instanceof UsageError ? 2 : 1;
  }
}

if (import.meta.main) {
  process.exitCode = await main(process.argv.slice(2));
}
