/**
 * `POST /v1/messages/count_tokens`: `{ input_tokens }` for an Anthropic Messages request.
 *
 * When the route's first target is an Anthropic model and the gateway holds a key for its
 * provider, the count is Anthropic's own (`POST /v1/messages/count_tokens` there, through
 * tokens/anthropic-count-tokens.ts: cached by the request's hash, two seconds at most). Otherwise
 * — another provider's model, no key, or Anthropic's count could not be had — the answer is
 * breakwater's offline estimate (tokens/anthropic-estimate.ts: o200k_base counts calibrated to
 * Claude's tokenizers, with Anthropic's documented framing and tool-prompt overheads), and the
 * `x-breakwater-estimate: true` header says so.
 *
 * One guard: the BPE tokenizer's time grows with the square of a word's length (100,000 letters
 * without a space take seconds), so a body holding a run of more than `MAX_RUN` characters
 * without white space is estimated at 4 characters a token instead — an endpoint that costs the
 * client nothing must not let one request hold the event loop.
 */
import type { FastifyReply, FastifyRequest, RouteHandlerMethod } from 'fastify';
import { resolveRoute } from '../config/config-resolve.ts';
import type { ApiKeySource, ResolvedConfig, ResolvedProvider } from '../config/config-types.ts';
import { BreakwaterError } from '../errors/index.ts';
import { checkShape } from '../preflight/request-shape.ts';
import {
  type AnthropicTokenCounter,
  createAnthropicTokenCounter,
} from '../tokens/anthropic-count-tokens.ts';
import { estimateAnthropicPrompt } from '../tokens/index.ts';
import { authorizeRoute } from './completion-route.ts';

/** Longest run of characters without white space that goes to the tokenizer. */
const MAX_RUN = 2_000;

/** True when some string in `value` has more than `MAX_RUN` characters without white space. */
function hasLongRun(value: unknown): boolean {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const item = stack.pop();
    if (typeof item === 'string') {
      if (item.length <= MAX_RUN) continue;
      let run = 0;
      for (let i = 0; i < item.length; i++) {
        const c = item.charCodeAt(i);
        run = c === 32 || c === 10 || c === 9 || c === 13 ? 0 : run + 1;
        if (run > MAX_RUN) return true;
      }
    } else if (typeof item === 'object' && item !== null) {
      for (const child of Array.isArray(item) ? item : Object.values(item)) stack.push(child);
    }
  }
  return false;
}

/** The key a count is asked with: the only one, the first of a pool, or the function's. */
function countingKey(source: ApiKeySource): string | (() => string | Promise<string>) {
  return typeof source === 'string' || typeof source === 'function' ? source : source[0]!;
}

export function countTokensHandler(config: ResolvedConfig): RouteHandlerMethod {
  // One counter (and answer cache) per Anthropic provider, made when first asked.
  const counters = new Map<ResolvedProvider, AnthropicTokenCounter>();
  const counterFor = (provider: ResolvedProvider) => {
    let counter = counters.get(provider);
    if (!counter) {
      counter = createAnthropicTokenCounter({
        baseUrl: provider.baseUrl,
        apiKey: countingKey(provider.apiKey!),
      });
      counters.set(provider, counter);
    }
    return counter;
  };

  return async function countTokens(request: FastifyRequest, reply: FastifyReply) {
    request.bw.dialect = 'anthropic';
    const body = request.body as Record<string, unknown>;
    checkShape('anthropic', 'count_tokens', body);
    const header = request.headers['x-breakwater-route'];
    const name = (Array.isArray(header) ? header[0] : header) || (body.model as string);
    authorizeRoute(request, name);
    const route = resolveRoute(config, name);
    if (!route) {
      throw new BreakwaterError('not_found', `unknown model "${name}"`, {
        origin: 'breakwater',
        param: 'model',
        hint: 'Send a route name or a provider/model target (GET /v1/models lists them).',
      });
    }
    const first = route.tiers[0]?.[0];
    const longRun = hasLongRun(body);
    if (
      first?.provider.dialect === 'anthropic' &&
      first.provider.apiKey !== undefined &&
      !longRun
    ) {
      const counted = await counterFor(first.provider).count({ ...body, model: first.model });
      if (counted !== undefined) return { input_tokens: counted };
    }
    reply.header('x-breakwater-estimate', 'true');
    if (longRun) return { input_tokens: Math.ceil(JSON.stringify(body).length / 4) };
    const claude = route.tiers.flat().find((t) => t.provider.dialect === 'anthropic') ?? first;
    return { input_tokens: estimateAnthropicPrompt(body, { model: claude?.model ?? name }) };
  };
}
