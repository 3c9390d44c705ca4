/**
 * Which configured limit applies to a target. Patterns are `provider/model` (exact; a dated
 * snapshot such as `gpt-4o-2024-08-06` also matches `openai/gpt-4o`), `provider/prefix*`
 * (`anthropic/claude-opus-4*`: a family sharing one pool), `provider/*` and `*`. The exact name
 * wins, then the longest prefix.
 */
import { catalogNames } from '../tokens/model-catalog.ts';

export interface RuleMatch<R> {
  pattern: string;
  rule: R;
}

export function matchRule<R>(
  rules: Readonly<Record<string, R>>,
  provider: string,
  model: string,
): RuleMatch<R> | undefined {
  for (const name of [model, ...catalogNames(model)]) {
    const pattern = `${provider}/${name}`;
    const rule = rules[pattern];
    if (rule !== undefined) return { pattern, rule };
  }
  const id = `${provider}/${model}`.toLowerCase();
  let best: RuleMatch<R> | undefined;
  let bestLength = -1;
  for (const [pattern, rule] of Object.entries(rules)) {
    if (!pattern.endsWith('*')) continue;
    const prefix = pattern.slice(0, -1).toLowerCase();
    if (id.startsWith(prefix) && prefix.length > bestLength) {
      best = { pattern, rule };
      bestLength = prefix.length;
    }
  }
  return best;
}
