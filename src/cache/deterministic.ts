/**
 * Which requests `always` mode may answer from the cache before asking the provider: those whose
 * caller asked for a repeatable answer, so a cached one is an answer they could have received.
 *
 * The rule, for one choice only (`n` above 1 asks for several different samples, never cached):
 * - `temperature: 0` (greedy decoding), in either dialect;
 * - OpenAI: a `seed`, the caller's explicit request for reproducible sampling;
 * - Anthropic: `top_k: 1`, greedy by another name — unless extended thinking is on, which
 *   samples its reasoning whatever the other settings say.
 * An absent temperature is the provider's default (1), so it is not deterministic.
 *
 * `fallback` mode does not ask: there a cached answer is served only when every tier failed,
 * where a past answer beats none.
 */
import type { DialectName } from '../dialects/dialect-name.ts';

export function isDeterministic(
  dialect: DialectName,
  request: Readonly<Record<string, unknown>>,
): boolean {
  if (typeof request.n === 'number' && request.n > 1) return false;
  if (dialect === 'anthropic') {
    const thinking = request.thinking as { type?: unknown } | undefined | null;
    if (thinking && thinking.type !== 'disabled') return false;
    return request.temperature === 0 || request.top_k === 1;
  }
  return request.temperature === 0 || typeof request.seed === 'number';
}
