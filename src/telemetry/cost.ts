/**
 * The dollar cost of an answer, for the request line and the cost metric: the usage the target
 * reported at the catalog's prices (the config's `catalog` overrides applied), the same figures
 * the budgets charge. A target the catalog cannot price has no cost figure rather than a guess.
 */
import { usageCostUsd } from '../budget/request-cost-usd.ts';
import type { Usage } from '../dialects/usage.ts';
import { ModelCatalog, type ModelInfoOverride } from '../tokens/model-catalog.ts';

export class CostMeter {
  readonly #catalog: ModelCatalog;

  constructor(overrides: Readonly<Record<string, ModelInfoOverride>> = {}) {
    this.#catalog = new ModelCatalog(overrides);
  }

  /** Dollars for `usage` at `target` (`provider/model`), or undefined when it has no price. */
  costOf(target: string | undefined, usage: Usage | undefined): number | undefined {
    if (target === undefined || usage === undefined) return undefined;
    const slash = target.indexOf('/');
    const info =
      slash === -1
        ? this.#catalog.get(target)
        : this.#catalog.get(target.slice(slash + 1), target.slice(0, slash));
    return info === undefined ? undefined : usageCostUsd(usage, info);
  }
}
