/**
 * `breakwater policies [--config FILE] [--json]`: the living checklist (policy-checklist.ts) —
 * per route its tiers, attempts, backoff, timeouts, breaker thresholds, rate limits, max_tokens,
 * cache, static fallback and budget — as a table per route, or as JSON for tools.
 */
import type { BudgetLimit } from '../budget/budget-guard.ts';
import { DEFAULT_CONFIG_FILE, loadConfigFile } from '../config/config-load.ts';
import type { ResolvedPolicy } from '../config/config-types.ts';
import type { LimitRule } from '../limiter/limiter-options.ts';
import { shownPath } from './check.ts';
import type { CliIO, Command, OptionSpec, OptionValues } from './command.ts';
import { type Checklist, policyChecklist, type RouteChecklist } from './policy-checklist.ts';

const OPTIONS = {
  config: {
    type: 'string',
    short: 'c',
    arg: 'FILE',
    description: 'Config file (YAML or JSON). Default: the embedded config/default.yaml.',
  },
  json: { type: 'boolean', description: 'Print the checklist as JSON (durations in ms).' },
} as const satisfies Record<string, OptionSpec>;

/** `250 ms`, `5 s`, `1.5 s`, `2 min`, `1 h`, `1 d`. */
export function duration(ms: number): string {
  const units: [number, string][] = [
    [86_400_000, 'd'],
    [3_600_000, 'h'],
    [60_000, 'min'],
    [1000, 's'],
  ];
  for (const [size, unit] of units) {
    if (ms >= size) return `${Number((ms / size).toFixed(1))} ${unit}`;
  }
  return `${ms} ms`;
}

const CONTEXT_OVERFLOW: Record<RouteChecklist['onContextOverflow'], string> = {
  reject: 'rejected (400 context_overflow), nothing sent',
  fallback: 'sent to the context fallback',
  slide: 'oldest turns dropped until it fits',
  summarize: 'older turns summarised, then sent',
};

const percent = (share: number) => `${Math.round(share * 100)}%`;

function rule(r: LimitRule): string {
  const parts: string[] = [];
  for (const key of ['rpm', 'tpm', 'itpm', 'otpm'] as const) {
    if (r[key] !== undefined) parts.push(`${r[key]} ${key}`);
  }
  if (r.maxConcurrent !== undefined) parts.push(`${r.maxConcurrent} at once`);
  if (r.shared) parts.push('shared by the pattern');
  if (r.per === 'target') parts.push('one pool for all keys');
  return parts.join(', ') || 'no numbers set';
}

function budget(b: BudgetLimit | null): string {
  if (!b) return 'none';
  const parts: string[] = [];
  if (b.dailyUsd !== undefined) parts.push(`$${b.dailyUsd} a day`);
  if (b.monthlyUsd !== undefined) parts.push(`$${b.monthlyUsd} a month`);
  return parts.join(', ');
}

/** The breaker's opening rule and open periods, in a line (docs/engine.md explains them). */
export function breakerText(b: ResolvedPolicy['breaker']): string {
  return `opens at ${b.failureThreshold} failures, ${percent(b.failureRate)} of at least ${b.minimumCalls} calls within ${duration(b.windowMs)}, or ${b.consecutiveFailures} unanswered in a row; open ${duration(b.openMs)}, doubling up to ${duration(b.maxOpenMs)}`;
}

/** The route's own sections; the breaker is the target's, listed per target. */
function policyRows(p: ResolvedPolicy): [string, string][] {
  const { retry, timeouts, cache, hedge } = p;
  return [
    [
      'retries',
      `up to ${retry.maxAttempts} attempts per target; backoff random(0, ${duration(retry.baseMs)} × 2^n), at most ${duration(retry.capMs)}`,
    ],
    [
      '',
      `Retry-After honoured up to ${duration(retry.maxRetryDelayMs)}; retries at most ${percent(retry.budgetRatio)} of a target's calls`,
    ],
    [
      '',
      `a wait over ${duration(retry.failoverAfterMs)} tries the next healthy tier first (eager failover)`,
    ],
    [
      'hedging',
      hedge.enabled
        ? `a second attempt after ${hedge.delayFactor} × the target's recent p95 to a usable head (at least ${duration(hedge.minDelayMs)}); at most ${percent(hedge.budgetRatio)} of a target's attempts`
        : 'off',
    ],
    [
      'timeouts',
      `connect ${duration(timeouts.connectMs)} · first byte ${duration(timeouts.firstByteMs)} · idle ${duration(timeouts.idleMs)} · deadline ${duration(timeouts.deadlineMs)}`,
    ],
    [
      'cache',
      cache.mode === 'off'
        ? 'off'
        : `${cache.mode}: answers fresh for ${duration(cache.ttlMs)}${cache.allowStale ? ', stale ones served when every tier failed' : ''}`,
    ],
  ];
}

function routeRows(r: RouteChecklist): [string, string][] {
  const mt = r.maxTokens;
  return [
    ...r.tiers.map((tier, i): [string, string] => [
      i === 0 ? 'tiers' : '',
      `${i + 1}. ${tier.join(', then ')}`,
    ]),
    ['context fallback', r.contextFallback ?? 'none'],
    ['too long a prompt', CONTEXT_OVERFLOW[r.onContextOverflow]],
    ...policyRows(r.policy),
    ...r.breakers.map((b, i): [string, string] => [
      i === 0 ? 'breakers' : '',
      `${b.target}: ${breakerText(b.breaker)}`,
    ]),
    ...r.limits.map((l, i): [string, string] => [
      i === 0 ? 'rate limits' : '',
      `${l.target}: ${l.rule ? `${rule(l.rule)} (limits.targets["${l.pattern}"])` : "none set; learnt from the provider's headers"}`,
    ]),
    [
      'max_tokens',
      `${mt.maxTokens === null ? 'no cap' : `cap ${mt.maxTokens}, ${mt.overMaxTokens === 'reject' ? 'more is rejected' : 'more is clamped'}`}; ${mt.defaultMaxTokens} when an Anthropic request sets none`,
    ],
    ['static fallback', r.staticMessage === null ? 'none' : JSON.stringify(r.staticMessage)],
    ['on refusal', r.onRefusal === 'answer' ? 'answer with it' : 'fall back to the next tier'],
    ['budget', budget(r.budget)],
  ];
}

function table(title: string, rows: [string, string][]): string {
  const width = Math.max(...rows.map(([k]) => k.length));
  return [title, ...rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`), ''].join('\n');
}

export function renderChecklist(list: Checklist, source: string): string {
  const parts = [
    `breakwater policies — ${source}`,
    '',
    table(
      'providers',
      list.providers.flatMap((p): [string, string][] => [
        [
          p.name,
          `${p.dialect} at ${p.baseUrl}; ${p.keys === 'function' ? 'key from a function' : p.keys === 0 ? 'no key set' : `${p.keys} key${p.keys === 1 ? '' : 's'}`}`,
        ],
        ['', `breaker: ${breakerText(p.breaker)}`],
      ]),
    ),
    ...list.routes.map((r) => table(`route ${r.route}`, routeRows(r))),
    table(
      'any provider/model without a route (the global policy)',
      policyRows(list.anyTarget.policy),
    ),
    table('shared', [
      [
        'queue',
        `at most ${list.queue.maxDepth} waiting per limit, each for ${duration(list.queue.maxWaitMs)} at most, leaving ${duration(list.queue.callHeadroomMs)} for the call`,
      ],
      ['total budget', budget(list.budgets.total)],
      ...Object.entries(list.budgets.tenants).map(([id, b]): [string, string] => [
        `client ${id}`,
        budget(b),
      ]),
      ['cache size', `${list.cacheMaxBytes} bytes`],
    ]),
  ];
  if (list.routes.length === 0)
    parts.splice(3, 0, 'no routes: clients name provider/model targets\n');
  return parts.join('\n');
}

async function runPolicies(values: OptionValues, io: CliIO): Promise<number> {
  const file = (values.config as string | undefined) ?? DEFAULT_CONFIG_FILE;
  const config = await loadConfigFile(file, { env: io.env });
  const list = policyChecklist(config);
  io.out(
    values.json ? `${JSON.stringify(list, null, 2)}\n` : renderChecklist(list, shownPath(file)),
  );
  return 0;
}

export const policiesCommand: Command = {
  name: 'policies',
  summary:
    'Print the living checklist: per route its retries, timeouts, breaker, limits, fallbacks.',
  description:
    'Prints, for each route of the config, what decides the fate of a call: its tiers, attempts\n' +
    'and backoff, timeouts, breaker thresholds, the rate limits of each target, max_tokens, cache,\n' +
    'static fallback and budget, every default filled in. --json gives the same as data.',
  options: OPTIONS,
  run: runPolicies,
};
