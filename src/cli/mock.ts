/**
 * `breakwater mock`: runs the provider simulator until SIGINT or SIGTERM.
 *
 *   breakwater mock [--scenario FILE] [--port N] [--host H] [--seed N]
 *
 * Without a scenario it behaves like scenarios/clean.yaml: every model healthy, no limits.
 */

import { parseArgs } from 'node:util';
import { startMock } from '../mock/index.ts';

export const MOCK_USAGE = 'breakwater mock [--scenario FILE] [--port N] [--host H] [--seed N]';

function integer(value: string | undefined, name: string, fallback?: number): number | undefined {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) {
    throw new TypeError(`Expected \`--${name}\` to be a non-negative integer, got "${value}"`);
  }
  return n;
}

export async function runMock(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      scenario: { type: 'string', short: 's' },
      port: { type: 'string', short: 'p' },
      host: { type: 'string' },
      seed: { type: 'string' },
    },
    strict: true,
  });
  const port = integer(values.port, 'port', 8701)!;
  const seed = integer(values.seed, 'seed');
  const host = values.host ?? '127.0.0.1';
  const mock = await startMock(values.scenario ?? {}, {
    port,
    host,
    ...(seed !== undefined ? { seed } : {}),
  });
  process.stdout.write(
    [
      `breakwater mock listening on ${mock.url} (scenario: ${values.scenario ?? 'built-in clean'})`,
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
  process.stdout.write('breakwater mock stopped\n');
}
