/**
 * One verdict for an upstream error answer, in either dialect: each dialect classifies its own
 * answers (`openai/classify.ts`, `anthropic/classify.ts`); failures with no answer at all are
 * `classifyNetworkError` in errors/. Retry, breaker, limiter and fallback read only the error
 * these return, never raw statuses.
 */

import type { ProviderError } from '../errors/families.ts';
import { classifyAnthropicResponse } from './anthropic/classify.ts';
import type { ClassifyResponseInput } from './classify-shared.ts';
import type { DialectName } from './dialect-name.ts';
import { classifyOpenAIResponse } from './openai/classify.ts';

export type { ClassifyResponseInput } from './classify-shared.ts';

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
