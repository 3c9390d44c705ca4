/**
 * Response headers that say what happened to a call, the same from `client.fetch` and the
 * gateway: which route, which target answered, how many upstream attempts, whether the cache
 * served it, and which fallback (if any) did.
 *
 * When a hedge raced the answer, the attempt count carries a parameter saying which attempt won,
 * in the structured-field form (RFC 8941) a parser of the bare number still reads: `3;hedge=won`
 * (the hedge gave the answer) or `2;hedge=lost` (the attempt it raced did).
 */
import type { AnswerMeta } from './engine.ts';

export function answerHeaders(meta: AnswerMeta): Record<string, string> {
  const headers: Record<string, string> = {
    'x-breakwater-route': meta.route,
    'x-breakwater-attempts':
      meta.hedge === undefined ? String(meta.attempts) : `${meta.attempts};hedge=${meta.hedge}`,
    'x-breakwater-cache': meta.cache,
    'x-breakwater-fallback': meta.fallback,
  };
  if (meta.target) headers['x-breakwater-target'] = meta.target;
  return headers;
}
