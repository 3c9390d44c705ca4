/**
 * Does the request fit? Its counted prompt plus the output it asks for, against each target's
 * context window from the model catalog, before anything is sent. The answer says which targets
 * are too small (the engine skips them) and whether the route's larger-context target would do.
 *
 * Counting a prompt costs a tokenizer pass, so it is done only when it could matter: a walk over
 * the body (no allocation) bounds its tokens from above — no tokenizer yields more than 3 tokens
 * per UTF-16 unit, Claude's estimate at most 1.67 times that, framing a few per object, a media
 * block at most 2,000 — and a request whose bound fits every window is not counted at all.
 *
 * An estimate (Claude's, or an unknown model's) may be off: such a prompt counts as too long only
 * when it is over by more than `ESTIMATE_TOLERANCE`, so an estimate never refuses a request the
 * provider would take.
 */
import type { ResolvedRoute, ResolvedTarget } from '../config/config-types.ts';
import type { DialectName } from '../dialects/dialect-name.ts';
import { RejectedError } from '../errors/index.ts';
import type { ModelCatalog } from '../tokens/model-catalog.ts';
import { countPromptTokens } from '../tokens/prompt-tokens.ts';
import { routeFacts } from './route-facts.ts';

/** An estimated prompt is too long only when over by more than this share. */
export const ESTIMATE_TOLERANCE = 0.1;

const TOKENS_PER_CHAR = 6;
const TOKENS_PER_NODE = 8;
const TOKENS_PER_MEDIA = 2000;
const TOOL_PROMPT = 400;
const MEDIA = new Set(['image', 'image_url', 'document', 'file', 'input_audio']);

/** An upper bound of the request's prompt tokens in any tokenizer breakwater counts with. */
export function promptTokenBound(value: unknown, depth = 0): number {
  // The per-request framing (Anthropic's tool prompt is the largest, ~350) is on the first node.
  if (depth === 0) return TOOL_PROMPT + promptTokenBound(value, 1);
  if (typeof value === 'string') return value.length * TOKENS_PER_CHAR;
  if (typeof value !== 'object' || value === null || depth > 64) return 1;
  let sum = TOKENS_PER_NODE;
  if (Array.isArray(value)) {
    for (const item of value) sum += promptTokenBound(item, depth + 1);
    return sum;
  }
  const record = value as Record<string, unknown>;
  if (typeof record.type === 'string' && MEDIA.has(record.type)) sum += TOKENS_PER_MEDIA;
  for (const key in record)
    sum += key.length * TOKENS_PER_CHAR + promptTokenBound(record[key], depth + 1);
  return sum;
}

export interface ContextFit {
  promptTokens: number;
  /** Whether `promptTokens` is the tokenizer's own count (else an estimate). */
  exact: boolean;
  outputTokens: number;
  /** The targets of the route's tiers whose window is too small. */
  tooSmall: ReadonlySet<ResolvedTarget>;
  /** Some tier's target fits. */
  anyFits: boolean;
  /** The route's contextFallback fits (false without one). */
  fallbackFits: boolean;
  /** The smallest window among the tiers' targets the catalog knows. */
  smallestWindow: number;
}

function outputOf(dialect: DialectName, request: Record<string, unknown>): number {
  const values =
    dialect === 'openai'
      ? [request.max_completion_tokens, request.max_tokens]
      : [request.max_tokens];
  let out = 0;
  for (const v of values) if (typeof v === 'number' && v > out) out = v;
  return out;
}

/**
 * `undefined` when the request fits every target of the route (the usual case, decided without
 * counting); otherwise which targets it does not fit.
 */
export function contextFit(
  dialect: DialectName,
  request: Record<string, unknown>,
  route: ResolvedRoute,
  catalog: ModelCatalog,
): ContextFit | undefined {
  const facts = routeFacts(route, catalog);
  const smallest = facts.smallestWindow;
  if (!Number.isFinite(smallest)) return undefined;
  const outputTokens = outputOf(dialect, request);
  if (promptTokenBound(request) + outputTokens <= smallest) return undefined;

  const { windowOf } = facts;
  const first = route.tiers[0]?.[0];
  const counted = countPromptTokens(dialect, request, first?.model);
  const allowed = (window: number) =>
    (counted.exact ? window : window * (1 + ESTIMATE_TOLERANCE)) - outputTokens;
  const tooSmall = new Set<ResolvedTarget>();
  let anyFits = false;
  for (const tier of route.tiers) {
    for (const t of tier) {
      if (counted.tokens > allowed(windowOf(t))) tooSmall.add(t);
      else anyFits = true;
    }
  }
  if (tooSmall.size === 0) return undefined;
  const wider = route.contextFallback;
  return {
    promptTokens: counted.tokens,
    exact: counted.exact,
    outputTokens,
    tooSmall,
    anyFits,
    fallbackFits: wider !== undefined && counted.tokens <= allowed(windowOf(wider)),
    smallestWindow: smallest,
  };
}

/** The 400 for a prompt no target of the route can take, with the numbers a person needs. */
export function contextOverflow(fit: ContextFit, route: ResolvedRoute): RejectedError {
  const tokens = `${fit.exact ? '' : 'about '}${fit.promptTokens}`;
  return new RejectedError(
    'context_overflow',
    `the prompt (${tokens} tokens) plus max_tokens (${fit.outputTokens}) does not fit the context window of any target of ${route.name} (smallest: ${fit.smallestWindow} tokens)`,
    {
      param: 'messages',
      hint: 'Shorten the conversation or lower max_tokens; or give the route a contextFallback, or onContextOverflow: slide or summarize.',
    },
  );
}
