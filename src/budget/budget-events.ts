/**
 * What the budget guard announces: a soft threshold crossed (50/80/100% by default), a call
 * stopped by a hard limit, a model with no known price. Telemetry turns them into log lines and
 * metrics; they never change a request's outcome.
 */

export type BudgetScope = 'route' | 'tenant' | 'total';
export type BudgetWindowKind = 'day' | 'month';

export type BudgetEvent =
  | {
      type: 'budget_threshold';
      scope: BudgetScope;
      /** The route or tenant name; `*` for the total. */
      name: string;
      window: BudgetWindowKind;
      /** The share crossed, e.g. 0.8. */
      threshold: number;
      spentUsd: number;
      limitUsd: number;
      /** When the window resets, epoch ms. */
      resetsAt: number;
    }
  | {
      type: 'budget_exceeded';
      scope: BudgetScope;
      name: string;
      window: BudgetWindowKind;
      limitUsd: number;
      spentUsd: number;
      reservedUsd: number;
      /** The stopped request's worst-case cost. */
      requestUsd: number;
      resetsAt: number;
    }
  | {
      type: 'unpriced_model';
      /** `provider/model` with no price in the catalog; charged at the fallback price. */
      target: string;
    };
