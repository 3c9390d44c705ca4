/**
 * A `Tokenizer` for plain text in whichever model's terms: OpenAI models count with their own BPE
 * (exact), Claude models with the calibrated estimate of anthropic-estimate.ts (o200k_base × 1.15,
 * and the newer tokenizer's increase on Latin-script text), since Anthropic publishes no
 * tokenizer. For the context-window tools, which split and trim text by tokens.
 */
import {
  CLAUDE_TEXT_RATIO,
  newTokenizerRatio,
  usesNewClaudeTokenizer,
} from './anthropic-estimate.ts';
import { openaiTokenizer, tokenizerForModel } from './openai-encoding.ts';
import type { Tokenizer } from './tokenizer.ts';

function claudeTokenizer(newTokenizer: boolean): Tokenizer {
  const base = openaiTokenizer('o200k_base');
  return Object.freeze({
    name: newTokenizer ? 'claude-estimate-2' : 'claude-estimate',
    exact: false,
    count: (text: string) => {
      if (!text) return 0;
      const ratio = newTokenizer ? newTokenizerRatio(text) : 1;
      return Math.ceil(base.count(text) * CLAUDE_TEXT_RATIO * ratio);
    },
  });
}

const claude = { old: claudeTokenizer(false), new: claudeTokenizer(true) };

/** The tokenizer for `model`'s text: Claude's estimate for `claude-*`, else OpenAI's encoding. */
export function textTokenizer(model: string): Tokenizer {
  if (/^claude-/i.test(model)) return usesNewClaudeTokenizer(model) ? claude.new : claude.old;
  return tokenizerForModel(model);
}
