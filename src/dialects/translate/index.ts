/**
 * Cross-dialect translation: an OpenAI-dialect caller served by a Claude tier, or an
 * Anthropic-dialect caller served by a GPT tier. Requests (with warnings for what cannot
 * cross), responses and streams, both ways. Pure functions and small stateful stream
 * translators; no I/O. SSE framing is in ../sse-encode.ts.
 */
export { anthropicToOpenAIRequest } from './anthropic-to-openai-request.ts';
export { anthropicToOpenAIResponse } from './anthropic-to-openai-response.ts';
export { AnthropicToOpenAIStream } from './anthropic-to-openai-stream.ts';
export { openaiToAnthropicRequest } from './openai-to-anthropic-request.ts';
export { openAIToAnthropicResponse } from './openai-to-anthropic-response.ts';
export { OpenAIToAnthropicStream } from './openai-to-anthropic-stream.ts';
export type { TranslationWarning } from './warnings.ts';
