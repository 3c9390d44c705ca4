/**
 * An OpenAI ChatCompletion → an Anthropic Message, for an Anthropic-dialect caller served by a
 * GPT tier. The first choice is the answer (the request side rejects `n > 1`). `content` becomes
 * a text block, a `refusal` becomes a text block too with `stop_reason: 'refusal'`, and
 * `tool_calls` become `tool_use` blocks whose `input` is the parsed arguments (invalid JSON is
 * wrapped, see tool-arguments.ts). The id keeps the OpenAI suffix (`chatcmpl-X` → `msg_X`);
 * stop reasons map as stop-reason.ts says; usage goes through the normalized `Usage`, so cached
 * tokens come out as `cache_read_input_tokens` and `input_tokens` excludes them.
 */
import { malformedResponse } from '../../errors/index.ts';
import type { AnthropicMessage, ContentBlock } from '../anthropic/types.ts';
import { toAnthropicUsage } from '../anthropic/usage.ts';
import type { ChatCompletion } from '../openai/types.ts';
import { fromOpenAIUsage } from '../openai/usage.ts';
import { emptyUsage } from '../usage.ts';
import { toAnthropicMessageId } from './ids.ts';
import { toStopReason } from './stop-reason.ts';
import { parseToolArguments } from './tool-arguments.ts';

export interface OpenAIToAnthropicResponseOptions {
  /** The model name to report, e.g. the route the caller asked for. @default the completion's model */
  model?: string;
}

/**
 * The Anthropic message for the OpenAI completion. Throws `malformed_response` when the
 * completion has no choice at all.
 */
export function openAIToAnthropicResponse(
  completion: ChatCompletion,
  options: OpenAIToAnthropicResponseOptions = {},
): AnthropicMessage {
  const choice = completion.choices[0];
  if (!choice) throw malformedResponse('the chat completion has no choices');
  const { message } = choice;
  const content: ContentBlock[] = [];
  if (typeof message.content === 'string' && message.content !== '') {
    content.push({ type: 'text', text: message.content });
  }
  const refused = typeof message.refusal === 'string' && message.refusal !== '';
  if (refused) content.push({ type: 'text', text: message.refusal as string });
  for (const call of message.tool_calls ?? []) {
    if (call.type === 'function') {
      const input = parseToolArguments(call.function.arguments);
      content.push({ type: 'tool_use', id: call.id, name: call.function.name, input });
    }
  }
  const stop = toStopReason(choice.finish_reason);
  return {
    id: toAnthropicMessageId(completion.id),
    type: 'message',
    role: 'assistant',
    model: options.model ?? completion.model,
    content,
    stop_reason: refused && stop === 'end_turn' ? 'refusal' : stop,
    stop_sequence: null,
    usage: toAnthropicUsage(completion.usage ? fromOpenAIUsage(completion.usage) : emptyUsage()),
  };
}
