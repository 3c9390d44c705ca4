/**
 * `POST /v1/messages/count_tokens`: `{ input_tokens }` for an Anthropic Messages request, as an
 * offline estimate — no upstream call, so it works for every route (whatever its targets speak),
 * costs nothing, and cannot be rate limited. Anthropic's own endpoint is an estimate too, and no
 * tokenizer for current Claude models is public, so the estimate is the usual rule of thumb: one
 * token per 4 characters of text (JSON for tools, tool inputs and tool results), rounded up, plus
 * a few tokens of framing per message and for the request. Images and documents count a flat
 * amount each. Typically within ±20% of Anthropic's figure for English prose.
 */
import type { RouteHandlerMethod } from 'fastify';
import { resolveRoute } from '../client/config-resolve.ts';
import type { ResolvedConfig } from '../client/config-types.ts';
import { BreakwaterError } from '../errors/index.ts';
import { authorizeRoute } from './completion-route.ts';
import { checkShape } from './request-shape.ts';

const CHARS_PER_TOKEN = 4;
const PER_MESSAGE = 4;
const PER_REQUEST = 3;
/** A typical image's cost (about 1,000 × 1,000 pixels); documents vary too much to do better. */
const PER_IMAGE = 1_300;

function textOf(value: unknown): number {
  if (typeof value === 'string') return value.length;
  if (value === undefined || value === null) return 0;
  if (Array.isArray(value)) return value.reduce((sum: number, v) => sum + blockChars(v), 0);
  return JSON.stringify(value).length;
}

function blockChars(block: unknown): number {
  if (typeof block === 'string') return block.length;
  if (typeof block !== 'object' || block === null) return 0;
  const b = block as Record<string, unknown>;
  switch (b.type) {
    case 'text':
      return textOf(b.text);
    case 'thinking':
      return textOf(b.thinking);
    case 'image':
    case 'document':
      return PER_IMAGE * CHARS_PER_TOKEN;
    case 'tool_use':
      return textOf(b.name) + textOf(b.input);
    case 'tool_result':
      return textOf(b.content);
    default:
      return JSON.stringify(b).length;
  }
}

/** The estimate for a Messages (or count_tokens) body that passed the shape check. */
export function estimateInputTokens(body: Record<string, unknown>): number {
  let chars = textOf(body.system) + textOf(body.tools);
  let framing = PER_REQUEST;
  for (const message of body.messages as Record<string, unknown>[]) {
    chars += textOf(message.content);
    framing += PER_MESSAGE;
  }
  return Math.ceil(chars / CHARS_PER_TOKEN) + framing;
}

export function countTokensHandler(config: ResolvedConfig): RouteHandlerMethod {
  return async function countTokens(request) {
    request.bw.dialect = 'anthropic';
    const body = request.body as Record<string, unknown>;
    checkShape('anthropic', 'count_tokens', body);
    const name =
      (request.headers['x-breakwater-route'] as string | undefined) ?? (body.model as string);
    authorizeRoute(request, name);
    if (!resolveRoute(config, name)) {
      throw new BreakwaterError('not_found', `unknown model "${name}"`, {
        origin: 'breakwater',
        param: 'model',
        hint: 'Send a route name or a provider/model target (GET /v1/models lists them).',
      });
    }
    return { input_tokens: estimateInputTokens(body) };
  };
}
