import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CliIO } from './command.ts';
import { COMMANDS, main } from './main.ts';

function io(env: Record<string, string | undefined> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const cli: CliIO = { out: (t) => void out.push(t), err: (t) => void err.push(t), env };
  return { cli, out: () => out.join(''), err: () => err.join('') };
}

const dir = mkdtempSync(join(tmpdir(), 'bw-cli-'));
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('breakwater --version and help', () => {
  it('prints the package version', async () => {
    const run = io();
    expect(await main(['--version'], run.cli)).toBe(0);
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
    expect(run.out()).toBe(`breakwater ${pkg.version}\n`);
  });

  it('lists every command, and `help COMMAND` / `COMMAND --help` print its page', async () => {
    const all = io();
    expect(await main(['help'], all.cli)).toBe(0);
    for (const command of COMMANDS) {
      expect(all.out()).toContain(command.name);
      const a = io();
      const b = io();
      expect(await main(['help', command.name], a.cli)).toBe(0);
      expect(await main([command.name, '--help'], b.cli)).toBe(0);
      expect(a.out()).toBe(b.out());
      expect(a.out()).toContain(`Usage: breakwater ${command.name}`);
    }
  });

  it('answers a mistake on the command line in one line, exit 2', async () => {
    for (const argv of [
      ['serve', '--bogus'],
      ['mock', '--port', 'abc'],
      ['serve', '--port', '70000'],
      ['check', 'extra'],
      ['nonsense'],
      ['help', 'nonsense'],
    ]) {
      const run = io();
      expect(await main(argv, run.cli), argv.join(' ')).toBe(2);
      expect(run.err().trim().split('\n'), argv.join(' ')).toHaveLength(1);
      expect(run.err()).toMatch(/^breakwater/);
      expect(run.err()).not.toMatch(/\n\s+at /);
    }
  });
});

describe('breakwater check', () => {
  it('prints every problem of a config with five mistakes, with path and fix, exit 1', async () => {
    const path = file(
      'five.yaml',
      [
        'providers:',
        '  openai:',
        '    baseUrl: ftp://example.com',
        '  groq:',
        '    apiKey: gsk-test',
        'policy:',
        '  retry:',
        '    maxAttemps: 3',
        '  timeouts:',
        '    connectMs: 5s',
        'routes:',
        '  chat:',
        '    tiers: [openai/gpt-4o, anthropc/claude-haiku-4-5]',
        '',
      ].join('\n'),
    );
    const run = io();
    expect(await main(['check', '--config', path], run.cli)).toBe(1);
    const lines = run.err().trim().split('\n');
    expect(lines[0]).toMatch(/^5 problems in /);
    const problems = lines.slice(1).map((l) => l.trim());
    expect(problems).toHaveLength(5);
    const expected = [
      [3, 'providers.openai.baseUrl', /http or https/],
      [5, 'providers.groq.dialect', /write dialect: openai/],
      [8, 'policy.retry.maxAttemps', /did you mean "maxAttempts"/],
      [10, 'policy.timeouts.connectMs', /plain numbers of milliseconds: 5 s is 5000/],
      [13, 'routes.chat.tiers[1]', /unknown provider "anthropc".*providers are: openai, groq/],
    ] as const;
    for (const [line, option, fix] of expected) {
      const found = problems.find((p) => p.includes(`: ${option}: `));
      expect(found, option).toBeDefined();
      expect(found).toMatch(new RegExp(`five\\.yaml:${line}:\\d+: `));
      expect(found).toMatch(fix);
    }
  });

  it('says OK in one line for a clean config, exit 0', async () => {
    const run = io();
    expect(await main(['check'], run.cli)).toBe(0);
    expect(run.out()).toMatch(
      /default\.yaml: OK — 2 providers \(openai, anthropic\), 2 routes \(chat, smart\)\n$/,
    );
    expect(run.out().split('\n')).toHaveLength(2);
  });

  it('names a file that is not there', async () => {
    const run = io();
    expect(await main(['check', '-c', join(dir, 'missing.yaml')], run.cli)).toBe(1);
    expect(run.err()).toContain('cannot read the config file (no such file)');
  });
});

describe('breakwater mock', () => {
  it('lists every problem of a scenario file with its field, exit 1', async () => {
    const path = file(
      'bad-scenario.yaml',
      [
        'default:',
        '  faults:',
        '    - { kind: hang, probability: 2 }',
        '  toolcall: true',
        '',
      ].join('\n'),
    );
    const run = io();
    expect(await main(['mock', '--scenario', path, '--port', '0'], run.cli)).toBe(1);
    const lines = run.err().trim().split('\n');
    expect(lines[0]).toBe(`breakwater mock: ${path}: scenario: 2 problems:`);
    expect(lines.slice(1).map((l) => l.trim())).toEqual([
      'default.faults[0].probability: expected a number between 0 and 1, got 2',
      'default.toolcall: unknown option "toolcall" — did you mean "toolCall"? (allowed here: latency, outputTokens, toolCall, faults, down, rateLimits)',
    ]);
  });
});

describe('breakwater policies', () => {
  const path = file(
    'policies.yaml',
    [
      'providers:',
      '  openai: { apiKey: k1, breaker: { failureThreshold: 9 } }',
      '  anthropic: { apiKey: [k2, k3] }',
      'policy: { retry: { maxAttempts: 3 }, timeouts: { deadlineMs: 90000 } }',
      'limits:',
      '  targets: { openai/gpt-4o-mini: { rpm: 600, tpm: 60000 } }',
      '  routes: { chat: { maxTokens: 2048, overMaxTokens: reject } }',
      'budgets: { routes: { chat: { dailyUsd: 50 } }, total: { monthlyUsd: 900 } }',
      'routes:',
      '  chat:',
      '    tiers: [openai/gpt-4o-mini, anthropic/claude-haiku-4-5]',
      '    staticMessage: Busy, try later.',
      '',
    ].join('\n'),
  );

  it('prints the checklist per route as a table', async () => {
    const run = io();
    expect(await main(['policies', '--config', path], run.cli)).toBe(0);
    const text = run.out();
    expect(text).toContain('route chat');
    expect(text).toMatch(/tiers\s+1\. openai\/gpt-4o-mini\n\s+2\. anthropic\/claude-haiku-4-5/);
    expect(text).toContain('up to 3 attempts per target');
    expect(text).toContain('deadline 1.5 min');
    expect(text).toContain('openai/gpt-4o-mini: opens at 9 failures, 50% of at least 50 calls');
    expect(text).toContain('anthropic/claude-haiku-4-5: opens at 5 failures');
    expect(text).toContain('openai/gpt-4o-mini: 600 rpm, 60000 tpm');
    expect(text).toContain(
      "anthropic/claude-haiku-4-5: none set; learnt from the provider's headers",
    );
    expect(text).toContain('cap 2048, more is rejected');
    expect(text).toContain('"Busy, try later."');
    expect(text).toMatch(/budget\s+\$50 a day/);
    expect(text).toMatch(/total budget\s+\$900 a month/);
    expect(text).toMatch(/anthropic\s+anthropic at https:\/\/api\.anthropic\.com; 2 keys/);
    expect(text).not.toContain('k2');
  });

  it('prints the same as JSON, durations in ms, no keys', async () => {
    const run = io();
    expect(await main(['policies', '--config', path, '--json'], run.cli)).toBe(0);
    const list = JSON.parse(run.out());
    expect(list.routes[0]).toMatchObject({
      route: 'chat',
      tiers: [['openai/gpt-4o-mini'], ['anthropic/claude-haiku-4-5']],
      policy: { retry: { maxAttempts: 3 }, timeouts: { deadlineMs: 90000 } },
      maxTokens: { maxTokens: 2048, overMaxTokens: 'reject' },
      budget: { dailyUsd: 50 },
    });
    expect(run.out()).not.toMatch(/k1|k2|k3/);
  });
});

describe('breakwater serve: failures are one line and an exit code', () => {
  it('refuses another host without client keys', async () => {
    const run = io();
    expect(await main(['serve', '--host', '0.0.0.0'], run.cli)).toBe(1);
    expect(run.err()).toMatch(
      /^breakwater serve: refusing to listen on 0\.0\.0\.0 without client keys.*\n$/,
    );
  });

  it('names a bad client key without echoing it', async () => {
    const run = io({ BREAKWATER_CLIENT_KEYS: 'team:short' });
    expect(await main(['serve', '--port', '0'], run.cli)).toBe(1);
    expect(run.err()).toMatch(/^breakwater serve: client key #1 \("team"\): .*16 characters.*\n$/);
    expect(run.err()).not.toContain('short');
  });

  it('says a port is in use', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    const run = io();
    try {
      expect(await main(['serve', '--port', String(port)], run.cli)).toBe(1);
    } finally {
      blocker.close();
    }
    expect(run.err()).toBe(
      `breakwater serve: port ${port} on 127.0.0.1 is in use — stop what holds it, or choose another with --port\n`,
    );
  });
});
