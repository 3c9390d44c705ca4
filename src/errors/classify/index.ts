/**
 * `classify()`: one verdict for any upstream failure, in either dialect. Retry, breaker, limiter
 * and fallback read only the error this returns, never raw statuses.
 */
import type { DialectName } from '../../dialects/dialect-name.ts';
import type { ProviderError } from '../families.ts';
import { classifyAnthropicResponse } from './anthropic.ts';
import { classifyOpenAIResponse } from './openai.ts';
import type { ClassifyResponseInput } from './shared.ts';

export type { NetworkErrorContext } from './network.ts';
export { classifyNetworkError } from './network.ts';
export type { ClassifyResponseInput } from './shared.ts';

export interface ClassifyInput extends ClassifyResponseInput {
  dialect: DialectName;
}

/** An error answer (status + headers + body) of either provider → a typed error. */
export function classifyResponse(input: ClassifyInput): ProviderError {
  return input.dialect === 'anthropic'
    ? classifyAnthropicResponse(input)
    : classifyOpenAIResponse(input);
}

export interface ClassifyStreamErrorInput {
  dialect: DialectName;
  /** The parsed JSON of the error frame. */
  data: unknown;
  provider?: string;
  model?: string;
}

/**
 * An error event inside an HTTP 200 stream (Anthropic `event: error`, an OpenAI frame with an
 * `error` key) → the same verdict its status would have had: `overloaded_error` is `overloaded`.
 */
export function classifyStreamError(input: ClassifyStreamErrorInput): ProviderError {
  return classifyResponse({
    dialect: input.dialect,
    body: input.data,
    provider: input.provider,
    model: input.model,
  });
}
