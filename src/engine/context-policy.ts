/**
 * The route's `onContextOverflow`, applied before the first attempt (preflight/context-fit.ts
 * measures): targets too small for the prompt are skipped without a call; when none of the tiers
 * can take it,
 *
 * - `reject`: a 400 `context_overflow` with the numbers;
 * - `fallback`: the route's `contextFallback` alone, when it fits (else the 400);
 * - `slide`: the oldest turns dropped until the prompt fits the smallest window (the system
 *   prompt and tool-call pairs kept, context/sliding-window.ts);
 * - `summarize`: the older turns summarised through the engine itself on `summaryRoute`
 *   (context/compress-history.ts), then slid if still too long; a failed summary slides.
 */
import type { ContextOverflow, ResolvedRoute, ResolvedTarget } from '../config/config-types.ts';
import { compressHistory, type SummaryCaller } from '../context/compress-history.ts';
import { slidingWindow } from '../context/sliding-window.ts';
import type { DialectName } from '../dialects/dialect-name.ts';
import { type ContextFit, contextFit, contextOverflow } from '../preflight/context-fit.ts';
import type { ModelCatalog } from '../tokens/model-catalog.ts';
import { countPromptTokens } from '../tokens/prompt-tokens.ts';
import type { WireRequest } from './request-check.ts';

export interface ContextPlan {
  request: WireRequest;
  /** Tier targets the prompt does not fit: skipped without a call. */
  skip: ReadonlySet<ResolvedTarget> | undefined;
  /** What was done to make it fit, for the answer's headers and logs. */
  action: 'skip' | 'fallback' | 'slide' | 'summarize';
}

export interface ContextInput {
  dialect: DialectName;
  request: WireRequest;
  route: ResolvedRoute;
  catalog: ModelCatalog;
  mode: ContextOverflow;
  /** The engine, for `summarize`. */
  engine: SummaryCaller;
  signal: AbortSignal | undefined;
}

/** The request with its messages slid into the smallest window the fit measured. */
function slide(input: ContextInput, request: WireRequest, fit: ContextFit): WireRequest {
  const model = input.route.tiers[0]?.[0]?.model ?? 'gpt-4o';
  const frame = countPromptTokens(input.dialect, { ...request, messages: [] }, model).tokens;
  const share = fit.exact ? 1 : 1 / 1.1;
  const maxTokens = Math.max(1, Math.floor(fit.smallestWindow * share) - fit.outputTokens - frame);
  const messages = slidingWindow(request.messages as Record<string, unknown>[], {
    maxTokens,
    keepLastN: 1,
    model,
    dialect: input.dialect,
  });
  return { ...request, messages };
}

/** The plan for a request `fit` says does not fit every target (context-fit.ts). */
export async function planContext(input: ContextInput, fit: ContextFit): Promise<ContextPlan> {
  const { dialect, route, catalog } = input;
  if (fit.anyFits) return { request: input.request, skip: fit.tooSmall, action: 'skip' };
  switch (input.mode) {
    case 'reject':
      throw contextOverflow(fit, route);
    case 'fallback':
      if (!fit.fallbackFits) throw contextOverflow(fit, route);
      return { request: input.request, skip: fit.tooSmall, action: 'fallback' };
    case 'slide':
    case 'summarize': {
      let request = input.request;
      let action: ContextPlan['action'] = 'slide';
      if (input.mode === 'summarize') {
        try {
          const messages = await compressHistory(request.messages as Record<string, unknown>[], {
            route: route.summaryRoute,
            client: input.engine,
            dialect,
            signal: input.signal,
          });
          request = { ...request, messages };
          action = 'summarize';
        } catch {
          // A summary that cannot be had must not fail the call: sliding still can make it fit.
        }
      }
      let after = contextFit(dialect, request, route, catalog);
      if (after && !after.anyFits) {
        request = slide(input, request, after);
        action = action === 'summarize' ? 'summarize' : 'slide';
        after = contextFit(dialect, request, route, catalog);
      }
      if (after && !after.anyFits) throw contextOverflow(after, route);
      return { request, skip: after?.tooSmall, action };
    }
  }
}
