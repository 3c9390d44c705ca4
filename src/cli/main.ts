/**
 * The `breakwater` command: dispatches to one module per subcommand.
 */
import { runMock } from './mock.ts';

const USAGE = `breakwater — a resilience layer for LLM APIs

Usage:
  breakwater mock [--scenario FILE] [--port N] [--host H] [--seed N]
      Start the provider simulator (OpenAI and Anthropic look-alike with fault injection).
  breakwater help
      Show this text.
`;

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'mock':
      await runMock(rest);
      return 0;
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(USAGE);
      return 0;
    default:
      process.stderr.write(`breakwater: unknown command "${command}"\n\n${USAGE}`);
      return 2;
  }
}

if (import.meta.main) {
  main(process.argv.slice(2)).then(
    (code) => {
      if (code !== 0) process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`breakwater: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
