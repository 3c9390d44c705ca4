/**
 * Policy sections (`retry`, `timeouts`, `breaker`, `cache`): a `policy` mapping merged over a base
 * policy section by section, option by option, each option checked against `POLICY_RULES`, then
 * the cross-field rules (`capMs ≥ baseMs`, `maxOpenMs ≥ openMs`) for the sections it overrides.
 *
 * Breaker settings belong to the target: the global `policy.breaker`, refined per provider
 * (`providers.<name>.breaker`, read with `breakerAt`). A route's policy may not set them — a
 * target's breaker is shared by every route that reaches it, so a per-route value would depend
 * on which route happened to reach the target first.
 */
import { type Issues, objectAt, ruleValue } from './config-check.ts';
import { type OptionRule, POLICY_RULES } from './config-defaults.ts';
import type { ConfigPath } from './config-error.ts';
import type { ResolvedPolicy } from './config-types.ts';

const SECTIONS = Object.keys(POLICY_RULES) as (keyof ResolvedPolicy)[];

/** `base` with the overrides in `raw` applied, checked option by option. */
export function policyAt(
  issues: Issues,
  raw: unknown,
  path: ConfigPath,
  base: ResolvedPolicy,
  options: { route?: boolean } = {},
): ResolvedPolicy {
  if (raw === undefined || raw === null) return base;
  const given = objectAt(issues, raw, path, SECTIONS);
  if (!given) return base;
  const out: Record<string, unknown> = {};
  for (const section of SECTIONS) {
    if (options.route && section === 'breaker' && given.breaker != null) {
      issues.add(
        [...path, 'breaker'],
        'breaker settings belong to the target, shared by every route that reaches it — set them under providers.<provider>.breaker (or the global policy.breaker), not in a route',
      );
      out[section] = base[section];
      continue;
    }
    out[section] = sectionAt(issues, given[section], [...path, section], base, section);
  }
  const policy = Object.freeze(out) as unknown as ResolvedPolicy;
  const { retry } = policy;
  if (retry !== base.retry && retry.capMs < retry.baseMs) {
    issues.add(
      [...path, 'retry', 'capMs'],
      `must be at least retry.baseMs (${retry.baseMs}), got ${retry.capMs}`,
    );
  }
  checkBreaker(issues, policy.breaker, base.breaker, [...path, 'breaker']);
  return policy;
}

/** A provider's `breaker` merged over the global one. */
export function breakerAt(
  issues: Issues,
  raw: unknown,
  path: ConfigPath,
  base: ResolvedPolicy,
): ResolvedPolicy['breaker'] {
  const breaker = sectionAt(issues, raw, path, base, 'breaker');
  checkBreaker(issues, breaker, base.breaker, path);
  return breaker;
}

function sectionAt<S extends keyof ResolvedPolicy>(
  issues: Issues,
  raw: unknown,
  path: ConfigPath,
  base: ResolvedPolicy,
  section: S,
): ResolvedPolicy[S] {
  if (raw === undefined || raw === null) return base[section];
  const rules: Record<string, OptionRule> = POLICY_RULES[section];
  const merged: Record<string, unknown> = { ...base[section] };
  const overrides = objectAt(issues, raw, path, Object.keys(rules));
  for (const [key, rule] of Object.entries(rules)) {
    if (overrides?.[key] === undefined) continue;
    const value = ruleValue(issues, overrides[key], [...path, key], rule);
    if (value !== undefined) merged[key] = value;
  }
  return Object.freeze(merged) as ResolvedPolicy[S];
}

function checkBreaker(
  issues: Issues,
  breaker: ResolvedPolicy['breaker'],
  base: ResolvedPolicy['breaker'],
  path: ConfigPath,
): void {
  if (breaker !== base && breaker.maxOpenMs < breaker.openMs) {
    issues.add(
      [...path, 'maxOpenMs'],
      `must be at least breaker.openMs (${breaker.openMs}), got ${breaker.maxOpenMs}`,
    );
  }
}
