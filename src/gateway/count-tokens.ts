/**
 * `POST /v1/messages/count_tokens`: `{ input_tokens }` for an Anthropic Messages request, from
 * breakwater's offline estimate (src/tokens/anthropic-estimate.ts: o200k_base counts calibrated
 * to Claude's tokenizers, with Anthropic's documented framing and tool-prompt overheads). No
 * upstream call: it works for every route whatever its targets speak, costs nothing, cannot be
 * rate limited, and never spends a provider's count_tokens quota. Anthropic's own figure is "an
 * estimate" too; the tokenizer generation follows the route's first Anthropic target (or the
 * `model` itself when it names one).
 *
 * One guard: the BPE tokenizer's time grows with the square of a word's length (100,000 letters
 * without a space take seconds), so a body holding a run of more than `MAX_RUN` characters
 * without white space is estimated at 4 characters a token instead — an endpoint that costs the
 * client nothing must not let one request hold the event loop.
 */
import type { RouteHandlerMethod } from 'fastify';
import { resolveRoute } from '../config/config-resolve.ts';
import type { ResolvedConfig } from '../config/config-types.ts';
import { BreakwaterError } from '../errors/index.ts';
import { checkShape } from '../preflight/request-shape.ts';
import { estimateAnthropicPrompt } from '../tokens/index.ts';
import { authorizeRoute } from './completion-route.ts';

/** Longest run of characters without white space that goes to the tokenizer. */
export const MAX_RUN = 2_000;

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

export function countTokensHandler(config: ResolvedConfig): RouteHandlerMethod {
  return async function countTokens(request) {
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
    const targets = route.tiers.flat();
    const claude = targets.find((t) => t.provider.dialect === 'anthropic') ?? targets[0];
    if (hasLongRun(body)) return { input_tokens: Math.ceil(JSON.stringify(body).length / 4) };
    return { input_tokens: estimateAnthropicPrompt(body, { model: claude?.model ?? name }) };
  };
}
