/**
 * Cross-dialect translation: an OpenAI-dialect caller served by a Claude tier, or an
 * Anthropic-dialect caller served by a GPT tier. Requests (with warnings for what cannot
 * cross), responses and streams, both ways. Pure functions and small stateful stream
 * translators; no I/O. SSE framing is in ../sse-encode.ts.
 */
export {
  type AnthropicToOpenAIOptions,
  anthropicToOpenAIRequest,
} from './anthropic-to-openai-request.ts';
export {
  type AnthropicToOpenAIResponseOptions,
  anthropicToOpenAIResponse,
} from './anthropic-to-openai-response.ts';
export {
  AnthropicToOpenAIStream,
  type AnthropicToOpenAIStreamOptions,
} from './anthropic-to-openai-stream.ts';
export { toAnthropicMessageId, toChatCompletionId } from './ids.ts';
export {
  type OpenAIToAnthropicOptions,
  openaiToAnthropicRequest,
} from './openai-to-anthropic-request.ts';
export {
  type OpenAIToAnthropicResponseOptions,
  openAIToAnthropicResponse,
} from './openai-to-anthropic-response.ts';
export {
  OpenAIToAnthropicStream,
  type OpenAIToAnthropicStreamOptions,
} from './openai-to-anthropic-stream.ts';
export { toFinishReason, toStopReason } from './stop-reason.ts';
export type { StreamTranslator } from './stream-translator.ts';
export { parseToolArguments, RAW_ARGUMENTS_KEY, stringifyToolInput } from './tool-arguments.ts';
export type { Translated, TranslationWarning } from './warnings.ts';
