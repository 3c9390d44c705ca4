/**
 * The `telemetry` config section: what every log line is tagged with (environment, build id),
 * the admin key that sees everything on `/metrics`, `/status` and `/dashboard`, the log level,
 * file sink and content opt-in, whether metrics and spans are made, and the alert webhooks.
 * docs/observability.md describes each option; docs/config.md lists them with units and defaults.
 * Checked by its schema (`TelemetrySchema`, part of the config's), every problem at its path.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { ConfigIssue, ConfigPath } from './config-defaults.ts';
import { boolean, describe, expected, number, oneOf, section } from './config-fields.ts';
import { configIssues } from './config-issues.ts';

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

/** The same hash the admin key is compared with (`hashKey` of the presented key). */
export function hashKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/** Text; a number is read as its digits; empty is absent. */
const textValue = () =>
  z.preprocess(
    (v) => (typeof v === 'number' ? String(v) : v === '' || v === null ? undefined : v),
    z.string({ error: expected('text') }).optional(),
  );

const WebhookUrl = z
  .string({ error: 'a webhook needs a `url` (http or https)' })
  .superRefine((text, ctx) => {
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      // The URL may hold a token (Slack's do): say what is wrong without echoing it.
      ctx.addIssue({
        code: 'custom',
        message: 'expected an absolute http(s) URL such as https://example.com/hook',
      });
      return;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      ctx.addIssue({
        code: 'custom',
        message: `expected an http or https URL, got a ${url.protocol} one`,
      });
  });

const Webhook = section({
  url: WebhookUrl,
  format: oneOf(['json', 'slack']).optional().meta({ default: 'json' }),
  events: z
    .array(oneOf(['budget', 'breaker']), { error: 'expected a list such as [budget, breaker]' })
    .optional()
    .meta({ default: ['budget', 'breaker'] }),
  timeoutMs: number({ min: 1, max: 600_000, integer: true, unit: 'milliseconds' })
    .optional()
    .meta({ default: TELEMETRY_DEFAULTS.webhookTimeoutMs }),
  maxAttempts: number({ min: 1, max: 20, integer: true })
    .optional()
    .meta({ default: TELEMETRY_DEFAULTS.webhookMaxAttempts }),
});

const LogFile = section({
  path: z
    .string({ error: 'a log file needs a `path`, e.g. /var/log/breakwater/gateway.log' })
    .min(1, {
      error: 'a log file needs a `path`, e.g. /var/log/breakwater/gateway.log',
    }),
  maxBytes: number({ min: 4096, max: Number.MAX_SAFE_INTEGER, integer: true, unit: 'bytes' })
    .optional()
    .meta({ default: TELEMETRY_DEFAULTS.fileMaxBytes }),
  frequency: oneOf(['daily', 'hourly', 'none']).optional().meta({ default: 'daily' }),
  keep: number({ min: 1, max: 1000, integer: true }).optional().meta({ default: 7 }),
});

export const TelemetrySchema = section(
  {
    environment: textValue(),
    buildId: textValue(),
    adminKey: textValue(),
    logs: section({
      level: oneOf(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).optional(),
      file: LogFile.optional(),
      content: section({
        enabled: boolean().optional().meta({ default: false }),
        maxChars: number({ min: 1, max: 100_000, integer: true, unit: 'characters' })
          .optional()
          .meta({ default: TELEMETRY_DEFAULTS.contentMaxChars }),
      }).optional(),
    }).optional(),
    metrics: section({
      enabled: boolean().optional().meta({ default: true }),
      processMetrics: boolean().optional().meta({ default: true }),
    }).optional(),
    tracing: section({ enabled: boolean().optional().meta({ default: true }) }).optional(),
    webhooks: z
      .array(Webhook.nullable(), {
        error: (issue) =>
          `expected a list of webhooks ({ url, format, events }), got ${describe(issue.input)}`,
      })
      .optional(),
  },
  'Log tags, the admin key, logs, metrics, tracing and alert webhooks (docs/observability.md).',
);

export function parseTelemetrySection(
  raw: unknown,
  env: Readonly<Record<string, string | undefined>>,
  path: ConfigPath = ['telemetry'],
): { value: ResolvedTelemetry; issues: ConfigIssue[] } {
  const parsed = TelemetrySchema.safeParse(raw ?? {}, { reportInput: true });
  const issues = parsed.success ? [] : configIssues(parsed.error.issues, path);
  if (Array.isArray((raw as { webhooks?: unknown } | null)?.webhooks)) {
    (raw as { webhooks: unknown[] }).webhooks.forEach((hook, i) => {
      if (hook === undefined || hook === null)
        issues.push({ path: [...path, 'webhooks', i], message: 'expected a webhook, got nothing' });
    });
  }
  const given = parsed.success ? parsed.data : {};
  const adminKey = given.adminKey ?? env.BREAKWATER_ADMIN_KEY;
  const file = given.logs?.file;
  const value: ResolvedTelemetry = {
    environment: given.environment ?? (env.BREAKWATER_ENV || TELEMETRY_DEFAULTS.environment),
    buildId: given.buildId ?? (env.BREAKWATER_BUILD_ID || undefined),
    adminKeyHash: adminKey ? hashKey(adminKey) : undefined,
    logs: {
      level: given.logs?.level,
      file: file
        ? Object.freeze({
            path: file.path,
            maxBytes: file.maxBytes ?? TELEMETRY_DEFAULTS.fileMaxBytes,
            frequency: file.frequency ?? TELEMETRY_DEFAULTS.fileFrequency,
            keep: file.keep ?? TELEMETRY_DEFAULTS.fileKeep,
          })
        : undefined,
      content: {
        enabled: given.logs?.content?.enabled ?? false,
        maxChars: given.logs?.content?.maxChars ?? TELEMETRY_DEFAULTS.contentMaxChars,
      },
    },
    metrics: {
      enabled: given.metrics?.enabled ?? true,
      processMetrics: given.metrics?.processMetrics ?? true,
    },
    tracing: { enabled: given.tracing?.enabled ?? true },
    webhooks: (given.webhooks ?? []).flatMap((hook) =>
      hook
        ? [
            Object.freeze({
              url: hook.url,
              format: hook.format ?? 'json',
              events: (hook.events ?? ['budget', 'breaker']) as WebhookEvent[],
              timeoutMs: hook.timeoutMs ?? TELEMETRY_DEFAULTS.webhookTimeoutMs,
              maxAttempts: hook.maxAttempts ?? TELEMETRY_DEFAULTS.webhookMaxAttempts,
            }),
          ]
        : [],
    ),
  };
  return { value: Object.freeze(value), issues };
}
