import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { APP_VERSION } from './app-info.ts';
import { createLogger, loggerFor, writeLine } from './logger.ts';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  return { lines, destination: destination as never };
}

const RECORD = {
  requestId: 'req_1',
  method: 'POST',
  path: '/v1/chat/completions',
  status: 200,
  outcome: 'ok',
  latencyMs: 1.25,
  route: 'chat "quoted"\n',
  stream: false,
};

const withoutTime = (line: string) => line.replace(/"time":"[^"]+"/, '"time":""');

describe('writeLine', () => {
  it('writes the very line pino writes for the same call, key order included', () => {
    const { lines, destination } = capture();
    const logger = createLogger({ destination, level: 'info' });
    logger.info(RECORD, 'request');
    writeLine(logger, 'info', RECORD, 'request');
    writeLine(logger, 'warn', {}, 'nothing else');
    logger.warn({}, 'nothing else');
    expect(lines).toHaveLength(4);
    expect(withoutTime(lines[1]!)).toBe(withoutTime(lines[0]!));
    expect(withoutTime(lines[2]!)).toBe(withoutTime(lines[3]!));
    expect(JSON.parse(lines[1]!)).toMatchObject({
      level: 'info',
      service: 'breakwater',
      ...RECORD,
    });
  });

  it('honours the level, scrubs secret fields, and falls back to pino for other loggers', () => {
    const { lines, destination } = capture();
    const quiet = createLogger({ destination, level: 'warn' });
    writeLine(quiet, 'info', RECORD, 'request');
    expect(lines).toHaveLength(0);
    writeLine(quiet, 'error', { apiKey: 'sk-secret' }, 'request');
    expect(lines[0]).not.toContain('sk-secret');

    const other = capture();
    const plain = pino({ base: null, timestamp: false }, other.destination);
    writeLine(plain, 'info', RECORD, 'request');
    expect(JSON.parse(other.lines[0]!)).toMatchObject({ level: 30, msg: 'request', ...RECORD });
  });
});

describe('every line’s tags', () => {
  it('carry the version, the environment and the build id, from the config or the environment', () => {
    const { lines, destination } = capture();
    const logger = loggerFor(
      {
        environment: 'staging',
        buildId: 'build-7f3a',
        logs: { level: 'info', file: undefined, content: { enabled: false, maxChars: 200 } },
      },
      { destination },
    );
    logger.info({ route: 'chat' }, 'one');
    writeLine(logger, 'info', { route: 'chat' }, 'two');
    for (const line of lines) {
      expect(JSON.parse(line)).toMatchObject({
        service: 'breakwater',
        version: APP_VERSION,
        env: 'staging',
        buildId: 'build-7f3a',
      });
    }
    expect(APP_VERSION).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('default to BREAKWATER_ENV and BREAKWATER_BUILD_ID', () => {
    const saved = { env: process.env.BREAKWATER_ENV, build: process.env.BREAKWATER_BUILD_ID };
    process.env.BREAKWATER_ENV = 'production';
    process.env.BREAKWATER_BUILD_ID = 'sha-123';
    try {
      const { lines, destination } = capture();
      createLogger({ destination }).warn({}, 'tagged');
      expect(JSON.parse(lines[0]!)).toMatchObject({ env: 'production', buildId: 'sha-123' });
    } finally {
      for (const [name, value] of [
        ['BREAKWATER_ENV', saved.env],
        ['BREAKWATER_BUILD_ID', saved.build],
      ] as const) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  });
});
