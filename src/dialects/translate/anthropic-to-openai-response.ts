/**
 * An Anthropic Message → an OpenAI ChatCompletion, for an OpenAI-dialect caller served by a
 * Claude tier. One choice; text blocks join into `content` (null when the answer is only tool
 * calls); `tool_use` blocks become `tool_calls` with JSON-string arguments; `thinking` and
 * `redacted_thinking` blocks are dropped (OpenAI Chat has no place for them), but their tokens
 * stay in `usage.completion_tokens`, as both providers bill them. Server-tool blocks are
 * dropped too. The id keeps the Anthropic suffix (`msg_X` → `chatcmpl-X`); stop reasons map as
 * stop-reason.ts says; usage goes through the normalized `Usage`, so cache reads land in
 * `prompt_tokens_details.cached_tokens` and cache writes count in `prompt_tokens`.
 */
import { type Clock, systemClock } from '../../core/clock.ts';
import type { AnthropicMessage } from '../anthropic/types.ts';
import { fromAnthropicUsage } from '../anthropic/usage.ts';
import type { ChatCompletion, ChatCompletionMessage, ChatToolCall } from '../openai/types.ts';
import { toOpenAIUsage } from '../openai/usage.ts';
import { toChatCompletionId } from './ids.ts';
import { toFinishReason } from './stop-reason.ts';
import { stringifyToolInput } from './tool-arguments.ts';

export interface AnthropicToOpenAIResponseOptions {
  /** The model name to report, e.g. the route the caller asked for. @default the message's model */
  model?: string;
  /** Supplies `created`. @default systemClock */
  clock?: Pick<Clock, 'now'>;
}

/** The OpenAI ChatCompletion for the Anthropic message `msg`. */
export function anthropicToOpenAIResponse(
  msg: AnthropicMessage,
  options: AnthropicToOpenAIResponseOptions = {},
): ChatCompletion {
  let text = '';
  let hasText = false;
  const calls: ChatToolCall[] = [];
  for (const block of msg.content) {
    if (block.type === 'text') {
      text += block.text;
      hasText = true;
    } else if (block.type === 'tool_use') {
      const args = stringifyToolInput(block.input);
      calls.push({
        id: block.id,
        type: 'function',
        function: { name: block.name, arguments: args },
      });
    }
  }
  const message: ChatCompletionMessage = {
    role: 'assistant',
    content: hasText || !calls.length ? text : null,
    refusal: null,
  };
  if (calls.length) message.tool_calls = calls;
  return {
    id: toChatCompletionId(msg.id),
    object: 'chat.completion',
    created: Math.floor((options.clock ?? systemClock).now() / 1000),
    model: options.model ?? msg.model,
    choices: [
      { index: 0, message, logprobs: null, finish_reason: toFinishReason(msg.stop_reason) },
    ],
    usage: toOpenAIUsage(fromAnthropicUsage(msg.usage)),
    system_fingerprint: null,
  };
}
