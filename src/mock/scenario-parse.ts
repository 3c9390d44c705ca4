/**
 * Checks a scenario (already parsed from YAML or JSON) against its schema (scenario-schema.ts)
 * and resolves it: defaults filled in, each named model laid over `default` (see scenario.ts).
 * Every problem is reported at once in one `ScenarioError`, each naming its field.
 */

import { configIssues } from '../config/config-issues.ts';
import type { Behaviour, ResolvedScenario } from './scenario.ts';
import { formatField, ScenarioError } from './scenario-error.ts';
import { type CheckedBehaviour, ScenarioSchema } from './scenario-schema.ts';

const BASE: Behaviour = Object.freeze({
  latency: { fixedMs: 0, jitterMs: 0, perTokenMs: 0 },
  outputTokens: { min: 12, max: 40 },
  toolCall: false,
  faults: [],
  down: [],
});

export function parseScenario(input: unknown): ResolvedScenario {
  const parsed = ScenarioSchema.safeParse(input ?? {}, { reportInput: true });
  if (!parsed.success) {
    throw new ScenarioError(
      configIssues(parsed.error.issues).map((i) => ({
        field: formatField(i.path),
        problem: i.message,
      })),
    );
  }
  const root = parsed.data;
  const fallback = root.default ? behaviour(root.default, BASE) : BASE;
  const models = new Map<string, Behaviour>();
  const patterns: ResolvedScenario['patterns'] = [];
  for (const [name, value] of Object.entries(root.models ?? {})) {
    const resolved = behaviour(value ?? {}, fallback);
    if (name.endsWith('*')) patterns.push({ prefix: name.slice(0, -1), behaviour: resolved });
    else models.set(name, resolved);
  }
  return { seed: root.seed, apiKeys: root.apiKeys, default: fallback, models, patterns };
}

/** `given` laid over `base`: latency field by field, every other field replaced when given. */
function behaviour(given: CheckedBehaviour, base: Behaviour): Behaviour {
  const out: Behaviour = { ...base, latency: { ...base.latency, ...given.latency } };
  if (given.outputTokens !== undefined) {
    const n = given.outputTokens;
    out.outputTokens = typeof n === 'number' ? { min: n, max: n } : n;
  }
  if (given.toolCall !== undefined) out.toolCall = given.toolCall;
  if (given.faults !== undefined) out.faults = given.faults;
  if (given.down !== undefined) {
    out.down = given.down.map(({ fromS, toS, status }) => ({
      fromS,
      toS: toS ?? Number.POSITIVE_INFINITY,
      ...(status ? { status } : {}),
    }));
  }
  if (given.rateLimits !== undefined) out.rateLimits = given.rateLimits;
  return out;
}
