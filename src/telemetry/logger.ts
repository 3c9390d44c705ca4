/**
 * The structured logger (pino): one JSON object per line. The only module besides the request
 * log that imports pino. Secrets are kept out three times over: nothing that carries a key or a
 * prompt is ever passed to it; every line's fields go through `scrubSecrets`, which blanks any
 * field named like a key (`authorization`, `x-api-key`, `apiKey`, `cookie`, …) and any raw bytes
 * at any depth, in case something is passed by mistake (user-needs #24); and every line, as the
 * text about to be written, goes through `scrubSecretValues`, which takes out the upstream key
 * values the process holds whatever field or shape they hide in.
 */
import { register as onExit } from 'on-exit-leak-free';
import { type DestinationStream, type Logger, type LoggerOptions, pino } from 'pino';
import type { ResolvedTelemetry } from '../config/config-telemetry.ts';
import { scrubSecretValues } from '../errors/secret-values.ts';
import { appInfo } from './app-info.ts';
import { fileDestination, type LogFile } from './file-sink.ts';
import { LineBatch } from './line-batch.ts';
import { scrubSecrets } from './scrub-secrets.ts';

export type { Logger } from 'pino';

export interface CreateLoggerOptions {
  /** @default 'info' (or `BREAKWATER_LOG_LEVEL`) */
  level?: string;
  /**
   * Where lines go. @default stdout in batches (`batchedDestination()`): lines are written once
   * 64 KiB have gathered or 100 ms have passed, whichever comes first, so a busy gateway makes
   * one write per hundred-odd lines rather than one blocking write per line, which showed in
   * profiles of a busy gateway. Whatever is buffered is flushed synchronously when the
   * process exits.
   */
  destination?: DestinationStream;
  /**
   * Fields on every line. @default service, version, environment and build id (`appInfo()`, from
   * `BREAKWATER_ENV` and `BREAKWATER_BUILD_ID`)
   */
  base?: Record<string, unknown>;
  /** Write to a rotated file (file-sink.ts) instead of `destination`. */
  file?: LogFile;
}

let lastMs = Number.NaN;
let lastField = '';

/**
 * pino's `isoTime`, remembered for the millisecond: a busy gateway writes several lines per
 * millisecond, and formatting the date showed in its profiles.
 */
function isoTimeField(): string {
  const now = Date.now();
  if (now !== lastMs) {
    lastMs = now;
    lastField = `,"time":"${new Date(now).toISOString()}"`;
  }
  return lastField;
}

/**
 * A file descriptor or path (stdout by default), written in batches: lines gather in a
 * `LineBatch` in front of pino's sonic-boom, which writes a batch once 64 KiB have gathered or
 * 100 ms have passed. Each write goes through libuv's thread pool, and on a 2-core machine that
 * hand-over costs far more than the bytes; 64 KiB batches came out cheapest in `bench --
 * hotpath` (figures: docs/gateway.md, "Why these parts are written by hand").
 *
 * Asynchronous: pino flushes an asynchronous destination when the process exits, not a
 * synchronous one that buffers, whose last lines would be lost; the batch is flushed at exit too.
 * sonic-boom's own `minLength` and timer stay as the batch's, for what it still holds while a
 * write is under way.
 */
export function batchedDestination(dest: number | string = 1): DestinationStream {
  const minBytes = 65_536;
  const flushMs = 100;
  const sink = pino.destination({
    dest,
    sync: false,
    minLength: minBytes,
    maxWrite: 4 * minBytes,
    periodicFlush: flushMs,
  });
  const batch = new LineBatch(sink, { minBytes, flushMs });
  onExit(batch, (b) => b.flushSync());
  return batch;
}

/** Writes one line of fields that are already JSON (see `writeLine`). */
type LineWriter = (level: 'info' | 'warn' | 'error', fieldsJson: string, msg: string) => void;

const LINE_WRITER: unique symbol = Symbol('breakwater.lineWriter');

export function createLogger(options: CreateLoggerOptions = {}): Logger {
  const base =
    options.base ??
    appInfo({
      environment: process.env.BREAKWATER_ENV || 'development',
      buildId: process.env.BREAKWATER_BUILD_ID || undefined,
    });
  const config: LoggerOptions = {
    level: options.level ?? process.env.BREAKWATER_LOG_LEVEL ?? 'info',
    base,
    timestamp: isoTimeField,
    formatters: { level: (label) => ({ level: label }), log: scrubSecrets },
    hooks: { streamWrite: scrubSecretValues },
  };
  const destination = options.file
    ? fileDestination(options.file)
    : (options.destination ?? batchedDestination());
  const logger = pino(config, destination);
  // The same line pino writes for `logger[level](fields, msg)` with this configuration: level,
  // time, the base fields, the fields, the message.
  const baseJson = JSON.stringify(base).slice(1, -1);
  const afterTime = baseJson === '' ? '' : `,${baseJson}`;
  const writer: LineWriter = (level, fieldsJson, msg) => {
    if (!logger.isLevelEnabled(level)) return;
    const fields = fieldsJson === '' ? '' : `,${fieldsJson}`;
    destination.write(
      scrubSecretValues(
        `{"level":"${level}"${isoTimeField()}${afterTime}${fields},"msg":${JSON.stringify(msg)}}\n`,
      ),
    );
  };
  Object.defineProperty(logger, LINE_WRITER, { value: writer });
  return logger;
}

/**
 * Writes `fields` as one line the way `logger[level](fields, msg)` would, but serialised with one
 * `JSON.stringify` instead of pino's field-by-field path, which cost a busy gateway 4 KB of
 * garbage and several microseconds per request line. Only for records of plain fields whose
 * names are not secret (the request line); a logger not made by `createLogger` gets them through
 * pino as usual.
 */
export function writeLine(
  logger: Pick<Logger, 'info' | 'warn' | 'error'>,
  level: 'info' | 'warn' | 'error',
  fields: object,
  msg: string,
): void {
  const writer = (logger as { [LINE_WRITER]?: LineWriter })[LINE_WRITER];
  if (writer === undefined) {
    logger[level](fields, msg);
    return;
  }
  const json = JSON.stringify(scrubSecrets(fields));
  writer(level, json.length > 2 ? json.slice(1, -1) : '', msg);
}

/** The logger the config asks for: its level, its file (or stdout), its tags on every line. */
export function loggerFor(
  telemetry: Pick<ResolvedTelemetry, 'environment' | 'buildId' | 'logs'>,
  options: Pick<CreateLoggerOptions, 'destination'> = {},
): Logger {
  return createLogger({
    level: telemetry.logs.level,
    base: appInfo(telemetry),
    file: telemetry.logs.file,
    destination: options.destination,
  });
}
