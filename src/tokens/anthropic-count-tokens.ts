/**
 * Anthropic's own count of a prompt, from `POST /v1/messages/count_tokens`: exact where the
 * offline estimate is not, at the price of a call (free, but with its own requests-per-minute
 * limit, and "an estimate" by Anthropic's own wording). Answers are cached by the request's
 * canonical hash, so a retry or a repeated prompt costs nothing; a failed count resolves to
 * `undefined` and the caller keeps its offline estimate — counting must never fail a request.
 */
import { LRUCache } from 'lru-cache';
import { canonicalHash } from '../core/canonical-hash.ts';
import { ANTHROPIC_VERSION } from '../dialects/anthropic/dialect.ts';

/** The fields count_tokens accepts; everything else (max_tokens, stream, …) is dropped. */
const COUNTED_FIELDS = [
  'model',
  'messages',
  'system',
  'tools',
  'tool_choice',
  'thinking',
  'output_config',
  'mcp_servers',
] as const;

export interface AnthropicTokenCounterOptions {
  /** @default https://api.anthropic.com */
  baseUrl?: string;
  apiKey: string | (() => string | Promise<string>);
  /** @default globalThis.fetch */
  fetch?: typeof fetch;
  /** Answers remembered. @default 1000 */
  cacheSize?: number;
  /** Gives up on one count after this long. @default 2000 */
  timeoutMs?: number;
}

export interface AnthropicTokenCounter {
  /** The provider's `input_tokens` for `request`, or `undefined` when it could not be had. */
  count(request: Record<string, unknown>, signal?: AbortSignal): Promise<number | undefined>;
}

export function createAnthropicTokenCounter(
  options: AnthropicTokenCounterOptions,
): AnthropicTokenCounter {
  const baseUrl = (options.baseUrl ?? 'https://api.anthropic.com').replace(/\/+$/, '');
  const doFetch = options.fetch ?? globalThis.fetch;
  const timeoutMs = options.timeoutMs ?? 2000;
  const cache = new LRUCache<string, number>({ max: options.cacheSize ?? 1000 });

  return {
    async count(request, signal) {
      const body: Record<string, unknown> = {};
      for (const field of COUNTED_FIELDS) {
        if (request[field] !== undefined) body[field] = request[field];
      }
      const key = canonicalHash(body);
      const cached = cache.get(key);
      if (cached !== undefined) return cached;
      try {
        const apiKey =
          typeof options.apiKey === 'function' ? await options.apiKey() : options.apiKey;
        const timeout = AbortSignal.timeout(timeoutMs);
        const res = await doFetch(`${baseUrl}/v1/messages/count_tokens`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'x-api-key': apiKey,
            'anthropic-version': ANTHROPIC_VERSION,
          },
          body: JSON.stringify(body),
          signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
        });
        if (!res.ok) {
          await res.body?.cancel();
          return undefined;
        }
        const answer = (await res.json()) as { input_tokens?: unknown };
        const tokens = answer.input_tokens;
        if (typeof tokens !== 'number' || !Number.isFinite(tokens) || tokens < 0) return undefined;
        cache.set(key, tokens);
        return tokens;
      } catch {
        return undefined;
      }
    },
  };
}
