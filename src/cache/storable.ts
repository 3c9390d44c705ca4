/**
 * Which answers the cache may keep: only those that completed cleanly and say something. A
 * refusal, a content-filtered or interrupted answer, a paused server-tool turn or an answer cut
 * off before it produced any text would be replayed later as if it were a good one.
 *
 * `length` / `max_tokens` answers are kept when they carry output: the length cap is part of the
 * key, so the same request would be cut at the same place. One with nothing in it (a reasoning
 * model that spent the whole budget thinking) is not.
 */
import type { AnthropicMessage, StopReason } from '../dialects/anthropic/types.ts';
import type {
  ChatCompletion,
  ChatCompletionChoice,
  ChatFinishReason,
} from '../dialects/openai/types.ts';
import type { CachedAnswer } from '../store/store.ts';

const CLEAN_FINISH: ReadonlySet<ChatFinishReason> = new Set([
  'stop',
  'length',
  'tool_calls',
  'function_call',
]);

const CLEAN_STOP: ReadonlySet<StopReason> = new Set([
  'end_turn',
  'max_tokens',
  'stop_sequence',
  'tool_use',
]);

function isCleanChoice(choice: ChatCompletionChoice): boolean {
  if (!choice.finish_reason || !CLEAN_FINISH.has(choice.finish_reason)) return false;
  const message = choice.message;
  if (!message || message.refusal) return false;
  const content: unknown = message.content;
  if (Array.isArray(content) && content.some((part) => part?.type === 'refusal')) return false;
  const hasText =
    (typeof content === 'string' && content.length > 0) ||
    (Array.isArray(content) && content.length > 0);
  return hasText || (message.tool_calls?.length ?? 0) > 0 || Boolean(message.function_call);
}

function isCleanCompletion(completion: ChatCompletion): boolean {
  const choices = completion.choices;
  return Array.isArray(choices) && choices.length > 0 && choices.every(isCleanChoice);
}

function isCleanMessage(message: AnthropicMessage): boolean {
  if (!message.stop_reason || !CLEAN_STOP.has(message.stop_reason)) return false;
  if (!Array.isArray(message.content)) return false;
  return message.content.some(
    (block) =>
      (block.type === 'text' && block.text.length > 0) ||
      block.type === 'tool_use' ||
      block.type === 'server_tool_use',
  );
}

/** The answer completed cleanly and has content: it may be cached. */
export function isStorable(answer: CachedAnswer): boolean {
  if (typeof answer.response !== 'object' || answer.response === null) return false;
  return answer.dialect === 'openai'
    ? isCleanCompletion(answer.response)
    : isCleanMessage(answer.response);
}
