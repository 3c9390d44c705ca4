/**
 * What the model catalog says about a route's targets, worked out once per route and catalog
 * (both are fixed once a config is loaded) rather than on every request: the smallest context
 * window and output limit among the tiers' targets, and the first OpenAI reasoning model.
 */
import type { ResolvedRoute, ResolvedTarget } from '../config/config-types.ts';
import type { ModelCatalog } from '../tokens/model-catalog.ts';

export interface RouteFacts {
  /** The smallest context window among the tiers' targets; Infinity when none is known. */
  smallestWindow: number;
  /** The smallest output limit among the tiers' targets, and whose it is. */
  smallestOutput: { limit: number; target: ResolvedTarget } | undefined;
  /** The first OpenAI reasoning model (o-series, gpt-5) among the tiers' targets. */
  reasoning: ResolvedTarget | undefined;
  windowOf(target: ResolvedTarget): number;
}

/** OpenAI's reasoning models, which take `max_completion_tokens` and refuse `max_tokens`. */
export function isReasoningModel(model: string): boolean {
  return /^(o\d+|gpt-5(\.\d+)?)($|-)/i.test(model);
}

const known = new WeakMap<ModelCatalog, WeakMap<ResolvedRoute, RouteFacts>>();

function work(route: ResolvedRoute, catalog: ModelCatalog): RouteFacts {
  const windows = new Map<ResolvedTarget, number>();
  const windowOf = (t: ResolvedTarget) => {
    let window = windows.get(t);
    if (window === undefined) {
      window = catalog.get(t.model, t.provider.name)?.contextWindow ?? Number.POSITIVE_INFINITY;
      windows.set(t, window);
    }
    return window;
  };
  let smallestWindow = Number.POSITIVE_INFINITY;
  let smallestOutput: RouteFacts['smallestOutput'];
  let reasoning: ResolvedTarget | undefined;
  for (const tier of route.tiers) {
    for (const target of tier) {
      smallestWindow = Math.min(smallestWindow, windowOf(target));
      const limit = catalog.get(target.model, target.provider.name)?.maxOutputTokens;
      if (
        limit !== undefined &&
        Number.isFinite(limit) &&
        limit < (smallestOutput?.limit ?? Infinity)
      )
        smallestOutput = { limit, target };
      if (!reasoning && target.provider.dialect === 'openai' && isReasoningModel(target.model))
        reasoning = target;
    }
  }
  if (route.contextFallback) windowOf(route.contextFallback);
  return { smallestWindow, smallestOutput, reasoning, windowOf };
}

export function routeFacts(route: ResolvedRoute, catalog: ModelCatalog): RouteFacts {
  let byRoute = known.get(catalog);
  if (!byRoute) {
    byRoute = new WeakMap();
    known.set(catalog, byRoute);
  }
  let facts = byRoute.get(route);
  if (!facts) {
    facts = work(route, catalog);
    byRoute.set(route, facts);
  }
  return facts;
}
