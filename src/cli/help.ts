/**
 * Help text, written from the commands' own definitions (command.ts): the overview that
 * `breakwater help` prints, and each command's page with every flag it accepts.
 */
import { allOptions, type Command, type OptionSpec } from './command.ts';

function flag(name: string, spec: OptionSpec): string {
  const long = `--${name}${spec.type === 'string' ? ` ${spec.arg ?? 'VALUE'}` : ''}`;
  return spec.short ? `-${spec.short}, ${long}` : `    ${long}`;
}

/** `breakwater serve [--config FILE] [--port N] …` */
export function usageLine(command: Command): string {
  const flags = Object.entries(command.options).map(([name, spec]) => {
    const value = spec.type === 'string' ? ` ${spec.arg ?? 'VALUE'}` : '';
    return `[--${name}${value}]`;
  });
  return ['breakwater', command.name, ...flags].join(' ');
}

/** `breakwater help COMMAND`: usage, what it does, and every flag. */
export function commandHelp(command: Command): string {
  const options = Object.entries(allOptions(command));
  const width = Math.max(...options.map(([name, spec]) => flag(name, spec).length));
  const lines = [
    `Usage: ${usageLine(command)}`,
    '',
    command.description,
    '',
    'Options:',
    ...options.map(([name, spec]) => `  ${flag(name, spec).padEnd(width)}  ${spec.description}`),
    '',
  ];
  return lines.join('\n');
}

/** `breakwater help`: every command in a line. */
export function overview(commands: readonly Command[]): string {
  const width = Math.max(...commands.map((c) => c.name.length), 'help COMMAND'.length);
  return [
    'breakwater — a resilience layer for LLM APIs',
    '',
    'Usage: breakwater COMMAND [options]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    `  ${'help COMMAND'.padEnd(width)}  Show a command's options.`,
    '',
    'Options:',
    '  -v, --version  Print the version.',
    '  -h, --help     Show this text.',
    '',
    'Run "breakwater help COMMAND" for the options of one command.',
    '',
  ].join('\n');
}
