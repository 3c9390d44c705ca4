/**
 * Why generation stopped, across dialects.
 *
 * Anthropic → OpenAI: `end_turn` and `stop_sequence` → `stop`; `max_tokens` → `length`;
 * `tool_use` → `tool_calls`; `refusal` → `content_filter` (both mean "the provider's safety
 * layer ended the answer", and breakwater's refusal verdict reads either). Two have no OpenAI
 * counterpart and both become `length`, because both leave the turn unfinished and `length` is
 * the one OpenAI reason that says so (a caller that took them for `stop` would accept a partial
 * answer): `pause_turn` (a long server-tool turn paused; send it back to continue) and
 * `model_context_window_exceeded` (the context filled up mid-answer, which OpenAI itself reports
 * as `length`). An unknown future reason becomes `stop`.
 *
 * OpenAI → Anthropic: `stop` → `end_turn` (OpenAI does not say whether a stop sequence matched,
 * so `stop_sequence` is never produced); `length` → `max_tokens`; `tool_calls` and the legacy
 * `function_call` → `tool_use`; `content_filter` → `refusal`. Unknown → `end_turn`.
 */
import type { StopReason } from '../anthropic/types.ts';
import type { ChatFinishReason } from '../openai/types.ts';

const TO_FINISH: Readonly<Record<StopReason, ChatFinishReason>> = Object.freeze({
  end_turn: 'stop',
  stop_sequence: 'stop',
  max_tokens: 'length',
  tool_use: 'tool_calls',
  refusal: 'content_filter',
  pause_turn: 'length',
  model_context_window_exceeded: 'length',
});

const TO_STOP: Readonly<Record<ChatFinishReason, StopReason>> = Object.freeze({
  stop: 'end_turn',
  length: 'max_tokens',
  tool_calls: 'tool_use',
  function_call: 'tool_use',
  content_filter: 'refusal',
});

/** The OpenAI `finish_reason` for an Anthropic `stop_reason`; null stays null (not finished). */
export function toFinishReason(reason: StopReason | null | undefined): ChatFinishReason | null {
  if (reason === null || reason === undefined) return null;
  return Object.hasOwn(TO_FINISH, reason) ? TO_FINISH[reason] : 'stop';
}

/** The Anthropic `stop_reason` for an OpenAI `finish_reason`; null stays null (not finished). */
export function toStopReason(reason: ChatFinishReason | null | undefined): StopReason | null {
  if (reason === null || reason === undefined) return null;
  return Object.hasOwn(TO_STOP, reason) ? TO_STOP[reason] : 'end_turn';
}
