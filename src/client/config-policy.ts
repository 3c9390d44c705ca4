/**
 * Policy sections (`retry`, `timeouts`, `breaker`, `cache`): a `policy` mapping merged over a base
 * policy section by section, option by option, each option checked against `POLICY_RULES`, then
 * the cross-field rules (`capMs ≥ baseMs`, `maxOpenMs ≥ openMs`) for the sections it overrides.
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
): ResolvedPolicy {
  if (raw === undefined || raw === null) return base;
  const given = objectAt(issues, raw, path, SECTIONS);
  if (!given) return base;
  const out: Record<string, unknown> = {};
  for (const section of SECTIONS) {
    const rules: Record<string, OptionRule> = POLICY_RULES[section];
    const rawSection = given[section];
    if (rawSection === undefined || rawSection === null) {
      out[section] = base[section];
      continue;
    }
    const merged: Record<string, unknown> = { ...base[section] };
    const overrides = objectAt(issues, rawSection, [...path, section], Object.keys(rules));
    for (const [key, rule] of Object.entries(rules)) {
      if (overrides?.[key] === undefined) continue;
      const value = ruleValue(issues, overrides[key], [...path, section, key], rule);
      if (value !== undefined) merged[key] = value;
    }
    out[section] = Object.freeze(merged);
  }
  const policy = Object.freeze(out) as unknown as ResolvedPolicy;
  const { retry, breaker } = policy;
  if (retry !== base.retry && retry.capMs < retry.baseMs) {
    issues.add(
      [...path, 'retry', 'capMs'],
      `must be at least retry.baseMs (${retry.baseMs}), got ${retry.capMs}`,
    );
  }
  if (breaker !== base.breaker && breaker.maxOpenMs < breaker.openMs) {
    issues.add(
      [...path, 'breaker', 'maxOpenMs'],
      `must be at least breaker.openMs (${breaker.openMs}), got ${breaker.maxOpenMs}`,
    );
  }
  return policy;
}
