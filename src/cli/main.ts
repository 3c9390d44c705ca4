/**
 * The `breakwater` command: dispatches to one module per subcommand.
 */
import { runMock } from './mock.ts';
import { runServe } from './serve.ts';

const USAGE = `breakwater — a resilience layer for LLM APIs

Usage:
  breakwater serve [--config FILE] [--port N] [--host H] [--client-keys-file FILE] [--grace-ms N]
      Start the gateway (OpenAI- and Anthropic-compatible) on 127.0.0.1:8700. Without --config it
      serves config/default.yaml, with the simulator standing in for providers without keys.
  breakwater mock [--scenario FILE] [--port N] [--host H] [--seed N]
      Start the provider simulator (OpenAI and Anthropic look-alike with fault injection).
  breakwater help
      Show this text.
`;

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'serve':
      return runServe(rest);
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
