/**
 * Policies merged section by section, option by option: a route's `policy` over the global one,
 * the global one over the built-in defaults, a provider's `breaker` over the global breaker. The
 * values were checked by the schema (config-schema.ts); what hangs on two of them —
 * `capMs ≥ baseMs`, `maxOpenMs ≥ openMs` — is checked here, on the merged result, and reported at
 * the path of the policy that set it.
 *
 * Breaker settings belong to the target: the global `policy.breaker`, refined per provider. A
 * route's policy may not set them (config-routes.ts says so) — a target's breaker is shared by
 * every route that reaches it.
 */
import type { ConfigIssue, ConfigPath } from './config-error.ts';
import type { ResolvedPolicy } from './config-types.ts';

/** A checked `policy` mapping: any section, any option of it. */
export type PolicyOverrides = {
  [S in keyof ResolvedPolicy]?: Partial<ResolvedPolicy[S]> | null;
};

const SECTIONS: readonly (keyof ResolvedPolicy)[] = [
  'retry',
  'timeouts',
  'breaker',
  'cache',
  'hedge',
];

/** `base` with `overrides` on top; a section it does not name stays `base`'s own object. */
export function mergePolicy(
  base: ResolvedPolicy,
  overrides: PolicyOverrides | null | undefined,
): ResolvedPolicy {
  if (!overrides) return base;
  const out: Record<string, unknown> = {};
  for (const section of SECTIONS) {
    const given = overrides[section];
    out[section] = given ? Object.freeze({ ...base[section], ...given }) : base[section];
  }
  return Object.freeze(out) as unknown as ResolvedPolicy;
}

/** The cross-option rules of a merged policy (or breaker), reported under `path`. */
export function policyProblems(policy: Partial<ResolvedPolicy>, path: ConfigPath): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const { retry, breaker } = policy;
  if (retry && retry.capMs < retry.baseMs) {
    issues.push({
      path: [...path, 'retry', 'capMs'],
      message: `must be at least retry.baseMs (${retry.baseMs}), got ${retry.capMs}`,
    });
  }
  if (breaker && breaker.maxOpenMs < breaker.openMs) {
    issues.push({
      path: [...path, 'breaker', 'maxOpenMs'],
      message: `must be at least breaker.openMs (${breaker.openMs}), got ${breaker.maxOpenMs}`,
    });
  }
  return issues;
}
