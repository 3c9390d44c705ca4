/**
 * After the answer: what each bucket should have been charged, minus what was reserved. Input
 * is corrected to the prompt the provider counted — for Anthropic's ITPM only uncached input and
 * cache writes, since cache reads do not count there; for OpenAI the whole prompt. Output depends
 * on how the provider charges it (`outputCharge`): `reserved` (OpenAI's TPM keeps the whole
 * `max_tokens`) leaves the reservation as it is, unless the request set no maximum and an assumed
 * one was reserved; `actual` (Anthropic's OTPM counts generated tokens) refunds or charges the
 * difference. Unknown usage, or output of a call that failed part-way, keeps the reservation:
 * the worst case, never zero.
 */
import type { OutputCharge } from '../config/limits-types.ts';
import type { DialectName } from '../dialects/dialect-name.ts';
import { totalInputTokens, type Usage } from '../dialects/usage.ts';
import type { Cost, Reservation } from './request-cost.ts';

export type { OutputCharge } from '../config/limits-types.ts';

/** The input tokens the provider's input limit counted for `usage`. */
function countedInput(dialect: DialectName, usage: Usage): number {
  if (dialect === 'openai') return totalInputTokens(usage);
  return usage.inputTokens + usage.cacheCreationInputTokens;
}

export function reconcileDelta(
  dialect: DialectName,
  reservation: Reservation,
  usage: Usage | undefined,
  outputCharge: OutputCharge,
  complete: boolean,
): Partial<Cost> {
  if (!usage) return {};
  const input = countedInput(dialect, usage) - reservation.promptTokens;
  const generated = usage.outputTokens - reservation.outputTokens;
  const refundable = outputCharge === 'actual' || !reservation.explicitMax;
  const output = complete && refundable ? generated : Math.max(0, generated);
  return { input, output, tokens: input + output };
}
