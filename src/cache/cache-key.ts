/**
 * The exact-match cache key: a SHA-256 over the canonical JSON of the whole normalized request,
 * namespaced by a version and an optional tenant (user-needs #23).
 *
 * Everything is keyed unless listed in `EXCLUDED_FIELDS`: a parameter a provider adds tomorrow
 * changes the key by default, where an include list would silently ignore it and serve answers
 * to a different question. A field is excluded only when it cannot change the answer: streaming
 * switches (a stream and a plain call share a key; the answer is stored in its final form),
 * end-user ids kept for abuse tracking, storage and prompt-cache hints, and breakwater's own
 * per-call options. Sampling, length, stop, tools, tool choice, response format, seed, n,
 * logprobs, thinking, reasoning effort, service tier and the model are all keyed.
 *
 * Normalization is deliberately small, only where the providers document an equivalence: a
 * top-level `null` is the same as an absent parameter, and a content array holding one bare text
 * part is the same as its string. Defaults (temperature 1 vs absent) are not filled in: they
 * differ between models.
 */

import { canonicalHash, compilePaths, type ExcludedPath } from '../core/canonical-hash.ts';
import type { DialectName } from '../dialects/dialect-name.ts';

/** Bumped whenever the key's input changes shape, so old entries are never misread. */
const CACHE_KEY_VERSION = 1;

/** Fields that never change the output, per dialect. `*` is any array index or property. */
const EXCLUDED_FIELDS: Readonly<Record<DialectName, readonly ExcludedPath[]>> = {
  openai: [
    ['stream'],
    ['stream_options'],
    // End-user identifiers, used by OpenAI for abuse detection only.
    ['user'],
    ['safety_identifier'],
    // Prompt-cache routing hints and retention.
    ['prompt_cache_key'],
    ['prompt_cache_retention'],
    // Whether OpenAI keeps the completion for evals and distillation, and tags for it.
    ['store'],
    ['metadata'],
    ['breakwater'],
  ],
  anthropic: [
    ['stream'],
    // The end-user id, for abuse detection; other metadata fields stay keyed.
    ['metadata', 'user_id'],
    // Prompt-cache breakpoints: where Anthropic caches the prompt, never what it answers.
    ['cache_control'],
    ['system', '*', 'cache_control'],
    ['tools', '*', 'cache_control'],
    ['messages', '*', 'content', '*', 'cache_control'],
    ['messages', '*', 'content', '*', 'content', '*', 'cache_control'],
    ['breakwater'],
  ],
};

/** The exclusions compiled once, relative to the envelope `cacheKey` hashes. */
const ENVELOPES = {
  openai: compilePaths(EXCLUDED_FIELDS.openai.map((path) => ['request', ...path])),
  anthropic: compilePaths(EXCLUDED_FIELDS.anthropic.map((path) => ['request', ...path])),
};

export interface CacheKeyOptions {
  /** The tenant (a gateway client key id): tenants never share entries. */
  tenant?: string;
  /** Keyed in place of the request's `model`, e.g. the route a model alias resolves to. */
  model?: string;
  /** Anything else that must split the cache, e.g. a route's configuration revision. */
  namespace?: string;
}

/**
 * `"a"` for `[{ type: 'text', text: 'a' }]`; anything else unchanged. An excluded field on the
 * part (Anthropic's `cache_control`) does not prevent the collapse.
 */
function collapseText(dialect: DialectName, content: unknown): unknown {
  if (!Array.isArray(content) || content.length !== 1) return content;
  const part: unknown = content[0];
  if (typeof part !== 'object' || part === null) return content;
  const record = part as Record<string, unknown>;
  for (const [name, value] of Object.entries(record)) {
    if (value === undefined || name === 'type' || name === 'text') continue;
    if (dialect === 'anthropic' && name === 'cache_control') continue;
    return content;
  }
  return record.type === 'text' && typeof record.text === 'string' ? record.text : content;
}

function normalizeMessage(dialect: DialectName, message: unknown): unknown {
  if (typeof message !== 'object' || message === null || !('content' in message)) return message;
  const content = collapseText(dialect, message.content);
  return content === message.content ? message : { ...message, content };
}

/** The request as it is keyed (exclusions are applied while hashing, not here). */
function normalizeForKey(
  dialect: DialectName,
  request: Readonly<Record<string, unknown>>,
  model?: string,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(request)) {
    if (value !== null && value !== undefined) out[name] = value;
  }
  if (model !== undefined) out.model = model;
  if (Array.isArray(out.messages))
    out.messages = out.messages.map((m) => normalizeMessage(dialect, m));
  if (dialect === 'anthropic') {
    if (out.system !== undefined) out.system = collapseText(dialect, out.system);
    // `metadata: { user_id }` is as good as no metadata once the user id is excluded.
    const metadata = out.metadata;
    if (typeof metadata === 'object' && metadata !== null) {
      const { user_id: _userId, ...rest } = metadata as Record<string, unknown>;
      if (Object.values(rest).every((value) => value === undefined)) delete out.metadata;
    }
  }
  return out;
}

/**
 * The cache key of a request in its client's dialect:
 * `cache:v<version>:<tenant, URI-encoded>:<sha256 hex>`.
 */
export function cacheKey(
  dialect: DialectName,
  request: Readonly<Record<string, unknown>>,
  options: CacheKeyOptions = {},
): string {
  const keyed = {
    dialect,
    namespace: options.namespace ?? null,
    request: normalizeForKey(dialect, request, options.model),
  };
  const digest = canonicalHash(keyed, ENVELOPES[dialect]);
  return `cache:v${CACHE_KEY_VERSION}:${encodeURIComponent(options.tenant ?? '')}:${digest}`;
}
