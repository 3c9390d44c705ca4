/**
 * The dollar cost of an answer, for the request line and the cost metric: the usage the target
 * reported at the catalog's prices (the config's `catalog` overrides applied), the same figures
 * the budgets charge. A target the catalog cannot price has no cost figure rather than a guess.
 */
import { usageCostUsd } from '../budget/request-cost-usd.ts';
import type { Usage } from '../dialects/usage.ts';
import { ModelCatalog, type ModelInfo, type ModelInfoOverride } from '../tokens/model-catalog.ts';

/** Targets whose prices are remembered; past it the memo starts again. */
const MEMO_SIZE = 1024;

export class CostMeter {
  readonly #catalog: ModelCatalog;
  /** Prices by target id (`null`: none), so a request costs a look-up, not a split and a key. */
  readonly #prices = new Map<string, ModelInfo | null>();

  constructor(overrides: Readonly<Record<string, ModelInfoOverride>> = {}) {
    this.#catalog = new ModelCatalog(overrides);
  }

  /** Dollars for `usage` at `target` (`provider/model`), or undefined when it has no price. */
  costOf(target: string | undefined, usage: Usage | undefined): number | undefined {
    if (target === undefined || usage === undefined) return undefined;
    const info = this.#pricesOf(target);
    return info === null ? undefined : usageCostUsd(usage, info);
  }

  #pricesOf(target: string): ModelInfo | null {
    let info = this.#prices.get(target);
    if (info === undefined) {
      const slash = target.indexOf('/');
      info =
        (slash === -1
          ? this.#catalog.get(target)
          : this.#catalog.get(target.slice(slash + 1), target.slice(0, slash))) ?? null;
      // Target ids may come from clients (any `provider/model`): a bounded memo.
      if (this.#prices.size >= MEMO_SIZE) this.#prices.clear();
      this.#prices.set(target, info);
    }
    return info;
  }
}
