/**
 * Response headers that say what happened to a call, the same from `client.fetch` and the
 * gateway: which route, which target answered, how many upstream attempts, whether the cache
 * served it, and which fallback (if any) did.
 */
import type { AnswerMeta } from './engine.ts';

export function answerHeaders(meta: AnswerMeta): Record<string, string> {
  const headers: Record<string, string> = {
    'x-breakwater-route': meta.route,
    'x-breakwater-attempts': String(meta.attempts),
    'x-breakwater-cache': meta.cache,
    'x-breakwater-fallback': meta.fallback,
  };
  if (meta.target) headers['x-breakwater-target'] = meta.target;
  return headers;
}
