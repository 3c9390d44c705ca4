import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { allOptions, parseCommandArgs, UsageError } from './command.ts';
import { commandHelp, usageLine } from './help.ts';
import { COMMANDS } from './main.ts';

describe('help lists every flag the parser accepts, and only those', () => {
  for (const command of COMMANDS) {
    it(command.name, () => {
      const help = commandHelp(command);
      const options = allOptions(command);
      for (const [name, spec] of Object.entries(options)) {
        expect(help).toContain(`--${name}`);
        if (spec.short) expect(help).toContain(`-${spec.short}, --${name}`);
        // The parser takes what the help shows.
        const argv = spec.type === 'string' ? [`--${name}`, 'x'] : [`--${name}`];
        expect(parseCommandArgs(command, argv)[name]).toBe(spec.type === 'string' ? 'x' : true);
        if (name !== 'help') expect(usageLine(command)).toContain(`--${name}`);
      }
      // Every flag the help mentions is one the parser knows.
      const shown = [...help.matchAll(/--([a-z][a-z-]*)/g)].map((m) => m[1]!);
      for (const name of shown) expect(Object.keys(options)).toContain(name);
      expect(() => parseCommandArgs(command, ['--no-such-flag'])).toThrow(UsageError);
    });
  }
});

describe('docs/cli.md', () => {
  const doc = readFileSync(new URL('../../docs/cli.md', import.meta.url), 'utf8');
  for (const command of COMMANDS) {
    it(`shows the help of ${command.name} as the parser defines it`, () => {
      expect(doc).toContain(`\`\`\`text\n${commandHelp(command)}\`\`\``);
      expect(doc).toContain(`| \`${command.name}\` |`);
    });
  }
});
