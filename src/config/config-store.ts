/**
 * The `store` config section: where shared state lives.
 *
 * ```yaml
 * store: memory                       # the default: one process
 * store:
 *   redis:
 *     url: ${REDIS_URL}               # redis://[user:password@]host:port[/db], rediss:// for TLS
 *     keyPrefix: 'breakwater:'        # every key starts with it
 *     fleetSize: 3                    # optional: else learned from the gateways' heartbeats
 *     timeoutMs: 250                  # a command not answered in time: the store is down
 * ```
 *
 * The URL carries credentials, so no message ever repeats it: a bad one is named by its path
 * and what is wrong with it.
 */
import { z } from 'zod';
import { REDIS_STORE_DEFAULTS } from '../store/redis/redis-store.ts';
import type { ConfigIssue, ConfigPath } from './config-error.ts';
import { expected, ms, number, section, typeName } from './config-fields.ts';
import { configIssues } from './config-issues.ts';

export type ResolvedStore =
  | { kind: 'memory' }
  | {
      kind: 'redis';
      url: string;
      keyPrefix: string;
      fleetSize: number | undefined;
      timeoutMs: number;
    };

export const MEMORY_STORE: ResolvedStore = Object.freeze({ kind: 'memory' });

/** What is wrong with a Redis URL, never quoting it. */
function urlProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'is not a URL: write redis://host:port (rediss:// for TLS)';
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    return `must start with redis:// or rediss:// (TLS), not ${url.protocol}//`;
  }
  return undefined;
}

const RedisUrl = z
  .string({
    error: (issue) =>
      issue.input === undefined || issue.input === null
        ? 'required: the Redis URL, e.g. redis://127.0.0.1:6379'
        : `expected a URL such as redis://127.0.0.1:6379, got ${typeName(issue.input)}`,
  })
  .superRefine((value, ctx) => {
    const problem =
      value === '' ? 'required: the Redis URL, e.g. redis://127.0.0.1:6379' : urlProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  })
  .meta({ description: 'redis://[user:password@]host:port[/db]; rediss:// for TLS.' });

const KeyPrefix = z
  .string({ error: expected('text without braces or spaces') })
  .regex(/^[^{}\s]*$/, {
    error: expected('text without braces or spaces (braces are Redis Cluster hash tags)'),
  });

export const RedisStoreSchema = section({
  url: RedisUrl,
  keyPrefix: KeyPrefix.optional().meta({ default: REDIS_STORE_DEFAULTS.keyPrefix }),
  fleetSize: number({ min: 1, max: 10_000, integer: true, unit: 'gateways' })
    .optional()
    .meta({ description: 'Gateways in the fleet; learned from their heartbeats when absent.' }),
  timeoutMs: ms(10, 60_000).optional().meta({ default: REDIS_STORE_DEFAULTS.timeoutMs }),
});

export const StoreSchema = z
  .union([z.literal('memory'), section({ redis: RedisStoreSchema })], {
    error: expected('memory or a mapping { redis: { url } }'),
  })
  .meta({
    description:
      'Where shared state lives: memory (one process), or Redis for a fleet (docs/fleet.md).',
  });

/** Checks the raw `store` value (absent = memory). */
export function parseStoreSection(
  raw: unknown,
  path: ConfigPath = ['store'],
): { value: ResolvedStore; issues: ConfigIssue[] } {
  if (raw === undefined || raw === null) return { value: MEMORY_STORE, issues: [] };
  const parsed = StoreSchema.safeParse(raw);
  if (!parsed.success) {
    return { value: MEMORY_STORE, issues: configIssues(parsed.error.issues, path) };
  }
  if (parsed.data === 'memory') return { value: MEMORY_STORE, issues: [] };
  const redis = parsed.data.redis;
  return {
    value: Object.freeze({
      kind: 'redis',
      url: redis.url,
      keyPrefix: redis.keyPrefix ?? REDIS_STORE_DEFAULTS.keyPrefix,
      fleetSize: redis.fleetSize,
      timeoutMs: redis.timeoutMs ?? REDIS_STORE_DEFAULTS.timeoutMs,
    }),
    issues: [],
  };
}
