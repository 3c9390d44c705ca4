/**
 * A request's prompt tokens before it is sent, whichever dialect it is in: OpenAI's counted with
 * its real tokenizer and the Cookbook's chat framing (exact for text), Anthropic's estimated
 * (see anthropic-estimate.ts). This is the count the limiter reserves against TPM / ITPM and the
 * budget prices as the worst case; `PromptCalibration` then corrects it from usage.
 */
import type { DialectName } from '../dialects/dialect-name.ts';
import { estimateAnthropicPrompt } from './anthropic-estimate.ts';
import { countOpenAIPrompt } from './openai-chat-tokens.ts';

export interface PromptCount {
  tokens: number;
  /** `true` only when the count is the provider's own, not an estimate. */
  exact: boolean;
}

/** Prompt tokens of `request` in `dialect`, for `model` (default: the body's `model`). */
export function countPromptTokens(
  dialect: DialectName,
  request: Record<string, unknown>,
  model?: string,
): PromptCount {
  if (dialect === 'openai') return countOpenAIPrompt(request, { model });
  return { tokens: estimateAnthropicPrompt(request, { model }), exact: false };
}
