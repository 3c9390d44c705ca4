/**
 * `breakwater mock`: runs the provider simulator until SIGINT or SIGTERM.
 *
 *   breakwater mock [--scenario FILE] [--port N] [--host HOST] [--seed N]
 *
 * Without a scenario it behaves like scenarios/clean.yaml: every model healthy, no limits.
 */

import { startMock } from '../mock/index.ts';
import {
  type CliIO,
  type Command,
  integerFlag,
  type OptionSpec,
  type OptionValues,
} from './command.ts';

export const DEFAULT_MOCK_PORT = 8701;

const OPTIONS = {
  scenario: {
    type: 'string',
    short: 's',
    arg: 'FILE',
    description:
      'Scenario file (YAML or JSON): faults, latency, rate limits. Default: all healthy.',
  },
  port: {
    type: 'string',
    short: 'p',
    arg: 'N',
    description: `Port to listen on; 0 picks a free one. Default: ${DEFAULT_MOCK_PORT}.`,
  },
  host: { type: 'string', arg: 'HOST', description: 'Address to listen on. Default: 127.0.0.1.' },
  seed: {
    type: 'string',
    arg: 'N',
    description: "Seed for the simulator's random draws, for a reproducible run.",
  },
} as const satisfies Record<string, OptionSpec>;

async function runMock(values: OptionValues, io: CliIO): Promise<number> {
  const port = integerFlag(values, 'port', DEFAULT_MOCK_PORT, 0, 65_535);
  const seed =
    values.seed === undefined ? undefined : integerFlag(values, 'seed', 0, 0, 2 ** 32 - 1);
  const host = typeof values.host === 'string' ? values.host : '127.0.0.1';
  const scenario = values.scenario as string | undefined;
  const mock = await startMock(scenario ?? {}, {
    port,
    host,
    ...(seed !== undefined ? { seed } : {}),
  });
  io.out(
    [
      `breakwater mock listening on ${mock.url} (scenario: ${scenario ?? 'built-in clean'})`,
      `  OpenAI:    base URL ${mock.url}/v1     Anthropic: base URL ${mock.url}`,
      `  stats:     curl ${mock.url}/__stats`,
      '  try:',
      `    curl ${mock.url}/v1/chat/completions -H 'content-type: application/json' \\`,
      `      -d '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Hello"}]}'`,
      '',
    ].join('\n'),
  );
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await mock.close();
  io.out('breakwater mock stopped\n');
  return 0;
}

export const mockCommand: Command = {
  name: 'mock',
  summary: 'Start the provider simulator (OpenAI and Anthropic look-alike with fault injection).',
  description:
    'Starts the simulator until SIGINT or SIGTERM. It answers /v1/chat/completions,\n' +
    '/v1/messages and /v1/messages/count_tokens like the real providers, injecting the faults and\n' +
    'rate limits the scenario sets; GET /__stats counts what it did.',
  options: OPTIONS,
  run: runMock,
};
