/** Token counting and the model catalog: tokenizers, prompt counts, calibration, prices. */
export {
  type AnthropicTokenCounter,
  type AnthropicTokenCounterOptions,
  createAnthropicTokenCounter,
} from './anthropic-count-tokens.ts';
export {
  estimateAnthropicPrompt,
  newTokenizerRatio,
  usesNewClaudeTokenizer,
} from './anthropic-estimate.ts';
export { type CalibrationOptions, PromptCalibration } from './calibration.ts';
export {
  builtInModel,
  catalogNames,
  ModelCatalog,
  type ModelInfo,
  type ModelInfoOverride,
} from './model-catalog.ts';
export { countOpenAIPrompt, type OpenAIPromptCount } from './openai-chat-tokens.ts';
export {
  encodingForModel,
  type OpenAIEncodingName,
  openaiTokenizer,
  tokenizerForModel,
} from './openai-encoding.ts';
export { countOpenAITools } from './openai-tool-tokens.ts';
export { countPromptTokens, type PromptCount } from './prompt-tokens.ts';
export { textTokenizer } from './text-tokenizer.ts';
export type { Tokenizer } from './tokenizer.ts';
