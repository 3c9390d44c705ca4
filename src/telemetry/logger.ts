/**
 * The structured logger (pino): one JSON object per line. The only module besides the request
 * log that imports pino. Secrets are kept out twice over: nothing that carries a key or a prompt
 * is ever passed to it, and `redact` blanks every header and option path that could hold a key,
 * in case something is passed by mistake (user-needs #24).
 */
import { type DestinationStream, type Logger, type LoggerOptions, pino } from 'pino';

export type { Logger } from 'pino';

export interface CreateLoggerOptions {
  /** @default 'info' (or `BREAKWATER_LOG_LEVEL`) */
  level?: string;
  /** Where lines go. @default stdout */
  destination?: DestinationStream;
  /** Fields on every line (e.g. `{ service: 'breakwater' }`). */
  base?: Record<string, unknown>;
}

/**
 * Paths blanked in every line: request and response headers that carry keys, and the option
 * names keys live under. Only one level of wildcard: pino's redaction is compiled once and is
 * cheap for lines that do not have the paths.
 */
export const REDACT_PATHS: readonly string[] = Object.freeze([
  'headers.authorization',
  'headers["x-api-key"]',
  'headers["api-key"]',
  'headers.cookie',
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'req.headers["api-key"]',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  'authorization',
  'apiKey',
  'api_key',
  'key',
  '*.authorization',
  '*.apiKey',
  '*.api_key',
  '*.key',
  '*["x-api-key"]',
]);

export function createLogger(options: CreateLoggerOptions = {}): Logger {
  const config: LoggerOptions = {
    level: options.level ?? process.env.BREAKWATER_LOG_LEVEL ?? 'info',
    base: options.base ?? { service: 'breakwater' },
    redact: { paths: [...REDACT_PATHS], censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  };
  return options.destination ? pino(config, options.destination) : pino(config);
}
