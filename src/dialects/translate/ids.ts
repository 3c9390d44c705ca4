/**
 * Ids across dialects keep a recognisable form, so logs of either side can be matched: an
 * Anthropic `msg_01Ab…` answers an OpenAI caller as `chatcmpl-01Ab…`, and an OpenAI
 * `chatcmpl-Xy…` answers an Anthropic caller as `msg_Xy…`. Tool call ids pass through unchanged
 * (both dialects accept any string), so a tool result always finds its call.
 */

const ANTHROPIC_MESSAGE_PREFIX = 'msg_';
const OPENAI_COMPLETION_PREFIX = 'chatcmpl-';

/** `msg_01Ab` → `chatcmpl-01Ab`; an id without the prefix is kept whole after `chatcmpl-`. */
export function toChatCompletionId(anthropicId: string): string {
  const suffix = anthropicId.startsWith(ANTHROPIC_MESSAGE_PREFIX)
    ? anthropicId.slice(ANTHROPIC_MESSAGE_PREFIX.length)
    : anthropicId;
  return OPENAI_COMPLETION_PREFIX + suffix;
}

/** `chatcmpl-Xy` → `msg_Xy`; an id without the prefix is kept whole after `msg_`. */
export function toAnthropicMessageId(openaiId: string): string {
  const suffix = openaiId.startsWith(OPENAI_COMPLETION_PREFIX)
    ? openaiId.slice(OPENAI_COMPLETION_PREFIX.length)
    : openaiId;
  return ANTHROPIC_MESSAGE_PREFIX + suffix;
}
