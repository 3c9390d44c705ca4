/**
 * The `telemetry` config section: what every log line is tagged with (environment, build id),
 * the admin key that sees everything on `/metrics`, `/status` and `/dashboard`, the log level,
 * file sink and content opt-in, whether metrics and spans are made, and the alert webhooks.
 * docs/observability.md describes each option; docs/config.md lists them with units and defaults.
 */
import { createHash } from 'node:crypto';
import type { ConfigIssue, ConfigPath } from './config-defaults.ts';
import {
  booleanAt,
  choiceAt,
  defined,
  describe,
  FieldIssues,
  mappingAt,
  numberAt,
} from './limits-fields.ts';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';
export type RotationFrequency = 'daily' | 'hourly' | 'none';
export type WebhookEvent = 'budget' | 'breaker';
export type WebhookFormat = 'json' | 'slack';

export interface LogFileConfig {
  /** The log file; rotated files get a number before the extension (`gateway.1.log`). */
  path: string;
  /** Start a new file once this one holds this many bytes. @default 104857600 (100 MiB) */
  maxBytes?: number;
  /** Start a new file every day or hour as well; `none` rotates on size only. @default 'daily' */
  frequency?: RotationFrequency;
  /** Rotated files kept besides the current one; older ones are deleted. @default 7 */
  keep?: number;
}

export interface WebhookConfig {
  /** Where alerts are POSTed (http or https). */
  url: string;
  /** `json`: breakwater's own body; `slack`: `{ text }`, for Slack and compatible receivers. @default 'json' */
  format?: WebhookFormat;
  /** Which alerts go to this URL. @default ['budget', 'breaker'] */
  events?: readonly WebhookEvent[];
  /** One delivery's time limit. @default 5000 */
  timeoutMs?: number;
  /** Deliveries tried in all, the first included, with backoff between them. @default 5 */
  maxAttempts?: number;
}

export interface TelemetryConfig {
  /** On every log line and span. @default `BREAKWATER_ENV`, else 'development' */
  environment?: string;
  /** On every log line and span. @default `BREAKWATER_BUILD_ID`, else none */
  buildId?: string;
  /**
   * The operators' key: sees every tenant on `/status` and `/dashboard`, and reads `/metrics`
   * when the gateway has client keys. Kept hashed. @default `BREAKWATER_ADMIN_KEY`, else none
   */
  adminKey?: string;
  logs?: {
    /** @default 'info' (or `BREAKWATER_LOG_LEVEL`) */
    level?: LogLevel;
    /** Write to a rotated file instead of stdout. @default none: stdout */
    file?: LogFileConfig;
    /** Log prompt and answer text (truncated). Off unless set: content is the user's. */
    content?: { enabled?: boolean; maxChars?: number };
  };
  metrics?: {
    /** Count requests, attempts, tokens, cost…; `/metrics` and `client.metrics`. @default true */
    enabled?: boolean;
    /** Node's own process metrics (CPU, memory, event loop) beside them. @default true */
    processMetrics?: boolean;
  };
  tracing?: {
    /** Spans through `@opentelemetry/api` (no-ops until the application registers an SDK). @default true */
    enabled?: boolean;
  };
  webhooks?: readonly WebhookConfig[];
}

export interface ResolvedWebhook {
  url: string;
  format: WebhookFormat;
  events: readonly WebhookEvent[];
  timeoutMs: number;
  maxAttempts: number;
}

export interface ResolvedTelemetry {
  environment: string;
  buildId: string | undefined;
  /** sha256 of the admin key, hex; the key itself is not kept. */
  adminKeyHash: string | undefined;
  logs: {
    level: LogLevel | undefined;
    file: Readonly<Required<LogFileConfig>> | undefined;
    content: { enabled: boolean; maxChars: number };
  };
  metrics: { enabled: boolean; processMetrics: boolean };
  tracing: { enabled: boolean };
  webhooks: readonly ResolvedWebhook[];
}

export const TELEMETRY_DEFAULTS = Object.freeze({
  environment: 'development',
  fileMaxBytes: 104_857_600,
  fileFrequency: 'daily' as RotationFrequency,
  fileKeep: 7,
  contentMaxChars: 200,
  webhookTimeoutMs: 5_000,
  webhookMaxAttempts: 5,
});

const LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'];
const WEBHOOK_EVENTS: readonly WebhookEvent[] = ['budget', 'breaker'];

/** The same hash the admin key is compared with (`hashKey` of the presented key). */
export function hashKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

function stringAt(issues: FieldIssues, value: unknown, path: ConfigPath): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  return issues.add(path, `expected text, got ${describe(value)}`);
}

function urlAt(issues: FieldIssues, value: unknown, path: ConfigPath): string | undefined {
  const text = stringAt(issues, value, path);
  if (text === undefined) return issues.add(path, 'a webhook needs a `url` (http or https)');
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    // The URL may hold a token (Slack's do): say what is wrong without echoing it.
    return issues.add(path, 'expected an absolute http(s) URL such as https://example.com/hook');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return issues.add(path, `expected an http or https URL, got a ${url.protocol} one`);
  }
  return text;
}

export function parseTelemetrySection(
  raw: unknown,
  env: Readonly<Record<string, string | undefined>>,
  path: ConfigPath = ['telemetry'],
): { value: ResolvedTelemetry; issues: ConfigIssue[] } {
  const issues = new FieldIssues();
  const keys = ['environment', 'buildId', 'adminKey', 'logs', 'metrics', 'tracing', 'webhooks'];
  const given = mappingAt(issues, raw, path, keys) ?? {};
  const logs = mappingAt(issues, given.logs, [...path, 'logs'], ['level', 'file', 'content']) ?? {};
  const metricKeys = ['enabled', 'processMetrics'];
  const metrics = mappingAt(issues, given.metrics, [...path, 'metrics'], metricKeys) ?? {};
  const tracing = mappingAt(issues, given.tracing, [...path, 'tracing'], ['enabled']) ?? {};
  const contentPath = [...path, 'logs', 'content'];
  const content = mappingAt(issues, logs.content, contentPath, ['enabled', 'maxChars']) ?? {};
  const adminKey =
    stringAt(issues, given.adminKey, [...path, 'adminKey']) ?? env.BREAKWATER_ADMIN_KEY;
  const value: ResolvedTelemetry = {
    environment:
      stringAt(issues, given.environment, [...path, 'environment']) ??
      (env.BREAKWATER_ENV || TELEMETRY_DEFAULTS.environment),
    buildId:
      stringAt(issues, given.buildId, [...path, 'buildId']) ??
      (env.BREAKWATER_BUILD_ID || undefined),
    adminKeyHash: adminKey ? hashKey(adminKey) : undefined,
    logs: {
      level: choiceAt(issues, logs.level, [...path, 'logs', 'level'], LEVELS),
      file: fileAt(issues, logs.file, [...path, 'logs', 'file']),
      content: {
        enabled: booleanAt(issues, content.enabled, [...contentPath, 'enabled']) ?? false,
        maxChars:
          numberAt(issues, content.maxChars, [...contentPath, 'maxChars'], {
            min: 1,
            max: 100_000,
            integer: true,
            unit: 'characters',
          }) ?? TELEMETRY_DEFAULTS.contentMaxChars,
      },
    },
    metrics: {
      enabled: booleanAt(issues, metrics.enabled, [...path, 'metrics', 'enabled']) ?? true,
      processMetrics:
        booleanAt(issues, metrics.processMetrics, [...path, 'metrics', 'processMetrics']) ?? true,
    },
    tracing: {
      enabled: booleanAt(issues, tracing.enabled, [...path, 'tracing', 'enabled']) ?? true,
    },
    webhooks: webhooksAt(issues, given.webhooks, [...path, 'webhooks']),
  };
  return { value: Object.freeze(value), issues: issues.list };
}

function fileAt(
  issues: FieldIssues,
  raw: unknown,
  path: ConfigPath,
): Readonly<Required<LogFileConfig>> | undefined {
  const file = mappingAt(issues, raw, path, ['path', 'maxBytes', 'frequency', 'keep']);
  if (!file) return undefined;
  const where = stringAt(issues, file.path, [...path, 'path']);
  if (where === undefined) {
    issues.add(
      [...path, 'path'],
      'a log file needs a `path`, e.g. /var/log/breakwater/gateway.log',
    );
  }
  const value = {
    path: where ?? '',
    maxBytes:
      numberAt(issues, file.maxBytes, [...path, 'maxBytes'], {
        min: 4096,
        max: Number.MAX_SAFE_INTEGER,
        integer: true,
        unit: 'bytes',
      }) ?? TELEMETRY_DEFAULTS.fileMaxBytes,
    frequency:
      choiceAt(issues, file.frequency, [...path, 'frequency'], ['daily', 'hourly', 'none']) ??
      TELEMETRY_DEFAULTS.fileFrequency,
    keep:
      numberAt(issues, file.keep, [...path, 'keep'], { min: 1, max: 1000, integer: true }) ??
      TELEMETRY_DEFAULTS.fileKeep,
  };
  return Object.freeze(value);
}

function webhooksAt(issues: FieldIssues, raw: unknown, path: ConfigPath): ResolvedWebhook[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) {
    issues.add(path, `expected a list of webhooks ({ url, format, events }), got ${describe(raw)}`);
    return [];
  }
  const keys = ['url', 'format', 'events', 'timeoutMs', 'maxAttempts'];
  return raw.flatMap((item, i) => {
    const at = [...path, i];
    const hook = mappingAt(issues, item, at, keys);
    if (!hook) {
      if (item === undefined || item === null) issues.add(at, 'expected a webhook, got nothing');
      return [];
    }
    const url = urlAt(issues, hook.url, [...at, 'url']);
    let events: WebhookEvent[] = [...WEBHOOK_EVENTS];
    if (hook.events !== undefined && hook.events !== null) {
      if (!Array.isArray(hook.events)) {
        issues.add([...at, 'events'], `expected a list such as [budget, breaker]`);
      } else {
        events = hook.events.flatMap((e, j) => {
          const event = choiceAt(issues, e, [...at, 'events', j], WEBHOOK_EVENTS);
          return event === undefined ? [] : [event];
        });
      }
    }
    const resolved = defined<ResolvedWebhook>({
      url: url ?? '',
      format: choiceAt(issues, hook.format, [...at, 'format'], ['json', 'slack']) ?? 'json',
      events,
      timeoutMs:
        numberAt(issues, hook.timeoutMs, [...at, 'timeoutMs'], {
          min: 1,
          max: 600_000,
          integer: true,
          unit: 'milliseconds',
        }) ?? TELEMETRY_DEFAULTS.webhookTimeoutMs,
      maxAttempts:
        numberAt(issues, hook.maxAttempts, [...at, 'maxAttempts'], {
          min: 1,
          max: 20,
          integer: true,
        }) ?? TELEMETRY_DEFAULTS.webhookMaxAttempts,
    });
    return url === undefined ? [] : [resolved];
  });
}
