/**
 * The semantic rules that depend on where a request goes: the route's targets and what the model
 * catalog knows of them (route-facts.ts, worked out once per route). Run once the route is known
 * and its max_tokens policy applied, before anything is sent; every problem in one 400, like the
 * request rules (request-shape.ts).
 *
 * - `anthropic.max_tokens_required`: Anthropic needs `max_tokens`. The route's max_tokens policy
 *   gives a request without one its default first, so through the engine this holds by then; the
 *   rule stands for callers that check a request themselves.
 * - `max_tokens.output_limit`: the output asked for is within each target's output limit, when
 *   the catalog knows it (a target would refuse more, and that 400 would end the call).
 * - `openai.reasoning_max_completion_tokens`: OpenAI's reasoning models (o-series, gpt-5) refuse
 *   `max_tokens`; `max_completion_tokens` is the field every OpenAI model takes.
 */
import type { ResolvedRoute } from '../config/config-types.ts';
import type { DialectName } from '../dialects/dialect-name.ts';
import type { ModelCatalog } from '../tokens/model-catalog.ts';
import { type RequestIssue, requestInvalid } from './request-issue.ts';
import { routeFacts } from './route-facts.ts';

export { isReasoningModel } from './route-facts.ts';

export interface RouteRuleInput {
  dialect: DialectName;
  request: Record<string, unknown>;
  route: ResolvedRoute;
  catalog: ModelCatalog;
}

export interface RouteRule {
  readonly id: string;
  readonly dialect: DialectName | 'both';
  readonly summary: string;
  check(input: RouteRuleInput, report: (field: string, message: string) => void): void;
}

const OPENAI_OUTPUT_FIELDS = ['max_completion_tokens', 'max_tokens'];
const ANTHROPIC_OUTPUT_FIELDS = ['max_tokens'];

const positive = (value: unknown): value is number => typeof value === 'number' && value >= 0;

export const ROUTE_RULES: readonly RouteRule[] = [
  {
    id: 'anthropic.max_tokens_required',
    dialect: 'anthropic',
    summary: 'an Anthropic request carries max_tokens (the route default fills it in the engine)',
    check({ dialect, request }, report) {
      if (dialect === 'anthropic' && request.max_tokens === undefined)
        report(
          'max_tokens',
          'is required: the most tokens to generate, e.g. 1024 (or set limits.routes.<route>.defaultMaxTokens)',
        );
    },
  },
  {
    id: 'max_tokens.output_limit',
    dialect: 'both',
    summary: "the output asked for is within each target's output limit (model catalog)",
    check({ dialect, request, route, catalog }, report) {
      const smallest = routeFacts(route, catalog).smallestOutput;
      if (!smallest) return;
      for (const field of dialect === 'openai' ? OPENAI_OUTPUT_FIELDS : ANTHROPIC_OUTPUT_FIELDS) {
        const asked = request[field];
        if (!positive(asked) || asked <= smallest.limit) continue;
        const { limit, target } = smallest;
        report(
          field,
          `is ${asked}, above the output limit of ${target.id} (${limit} tokens) — ask for at most ${limit}`,
        );
      }
    },
  },
  {
    id: 'openai.reasoning_max_completion_tokens',
    dialect: 'openai',
    summary: 'a route with an OpenAI reasoning model gets max_completion_tokens, not max_tokens',
    check({ dialect, request, route, catalog }, report) {
      if (
        dialect !== 'openai' ||
        request.max_tokens == null ||
        request.max_completion_tokens != null
      )
        return;
      const reasoning = routeFacts(route, catalog).reasoning;
      if (reasoning) {
        report(
          'max_tokens',
          `is not accepted by ${reasoning.id}, a reasoning model — send max_completion_tokens instead (every OpenAI model takes it)`,
        );
      }
    },
  },
];

/** What the rules report, for the check under way (synchronous, so one is enough). */
const found: { rule: RouteRule | undefined; issues: RequestIssue[] } = {
  rule: undefined,
  issues: [],
};

function report(field: string, message: string): void {
  found.issues.push({ path: [field], message: `\`${field}\` ${message}`, rule: found.rule!.id });
}

/** Throws one `validation` error listing every route rule the request breaks. */
export function checkForRoute(input: RouteRuleInput): void {
  for (const rule of ROUTE_RULES) {
    if (rule.dialect !== 'both' && rule.dialect !== input.dialect) continue;
    found.rule = rule;
    rule.check(input, report);
  }
  found.rule = undefined;
  if (found.issues.length === 0) return;
  const issues = found.issues;
  found.issues = [];
  throw requestInvalid(issues);
}
