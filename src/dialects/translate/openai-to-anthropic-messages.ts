/**
 * OpenAI `messages` → Anthropic `system` + `messages`.
 *
 * - `system` and `developer` messages join the top-level `system` (see system-prompt.ts). One in
 *   the middle of the conversation is moved up there too, with a warning: Anthropic has no
 *   system role inside `messages` on most models, and a system instruction keeps its authority
 *   better as system text than rewritten as a user turn.
 * - `tool` messages become `tool_result` blocks of a user message; consecutive ones merge into
 *   ONE user message (Anthropic wants every result of an assistant turn in the next user turn),
 *   and a user message right after them joins it, after the results.
 * - assistant `tool_calls` become `tool_use` blocks (arguments: see tool-arguments.ts); a
 *   `refusal` becomes text. A `custom` tool call becomes a `tool_use` whose input is
 *   `{ input: "<text>" }`, so its result still pairs with it.
 * - Empty text is dropped (Anthropic rejects empty text blocks), and so is a message left empty.
 * - Other consecutive same-role messages stay apart: Anthropic merges them itself.
 * - What cannot cross (audio, OpenAI file ids, `name`, the legacy `function` role and
 *   `function_call`) is dropped with a warning naming the message.
 */
import type { ContentBlockParam, MessageParam, ToolResultBlock } from '../anthropic/types.ts';
import type {
  ChatAssistantMessage,
  ChatMessage,
  ChatToolMessage,
  ChatUserMessage,
} from '../openai/types.ts';
import { toAnthropicDocument, toAnthropicImage } from './images.ts';
import { SYSTEM_SEPARATOR, systemText } from './system-prompt.ts';
import { parseToolArguments } from './tool-arguments.ts';
import type { TranslationWarning } from './warnings.ts';

export interface AnthropicConversation {
  system: string | undefined;
  messages: MessageParam[];
}

/** A lone text block is sent as a plain string, the shorthand Anthropic defines for it. */
function compact(blocks: ContentBlockParam[]): string | ContentBlockParam[] {
  const only = blocks.length === 1 ? blocks[0] : undefined;
  if (only?.type === 'text' && Object.keys(only).length === 2) return only.text;
  return blocks;
}

function userBlocks(message: ChatUserMessage, path: string, warnings: TranslationWarning[]) {
  const blocks: ContentBlockParam[] = [];
  if (typeof message.content === 'string') {
    if (message.content !== '') blocks.push({ type: 'text', text: message.content });
    return blocks;
  }
  message.content.forEach((part, j) => {
    const where = `${path}.content[${j}]`;
    if (part.type === 'text') {
      if (part.text !== '') blocks.push({ type: 'text', text: part.text });
      return;
    }
    if (part.type === 'image_url' || part.type === 'file') {
      const converted =
        part.type === 'image_url' ? toAnthropicImage(part) : toAnthropicDocument(part);
      if (converted.ok) blocks.push(converted.value);
      else warnings.push({ field: where, reason: converted.reason });
      return;
    }
    const reason = `${String(part.type)} content has no Anthropic counterpart; dropped`;
    warnings.push({ field: where, reason });
  });
  return blocks;
}

function assistantBlocks(
  message: ChatAssistantMessage,
  path: string,
  warnings: TranslationWarning[],
) {
  const blocks: ContentBlockParam[] = [];
  const pieces =
    typeof message.content === 'string'
      ? [message.content]
      : (message.content ?? []).map((part) => (part.type === 'text' ? part.text : part.refusal));
  if (typeof message.refusal === 'string') pieces.push(message.refusal);
  for (const text of pieces) if (text !== '') blocks.push({ type: 'text', text });
  for (const call of message.tool_calls ?? []) {
    if (call.type === 'function') {
      const input = parseToolArguments(call.function.arguments);
      blocks.push({ type: 'tool_use', id: call.id, name: call.function.name, input });
    } else {
      blocks.push({
        type: 'tool_use',
        id: call.id,
        name: call.custom.name,
        input: { input: call.custom.input },
      });
    }
  }
  if (message.function_call) {
    warnings.push({
      field: `${path}.function_call`,
      reason: 'the legacy function_call has no Anthropic counterpart (use tool_calls); dropped',
    });
  }
  return blocks;
}

function toolResult(message: ChatToolMessage): ToolResultBlock {
  const block: ToolResultBlock = { type: 'tool_result', tool_use_id: message.tool_call_id };
  if (typeof message.content === 'string') {
    if (message.content !== '') block.content = message.content;
  } else {
    const texts = message.content.filter((part) => part.text !== '');
    if (texts.length) block.content = texts.map((part) => ({ type: 'text', text: part.text }));
  }
  return block;
}

/** Translates the conversation; warnings are appended to `warnings`. */
export function toAnthropicConversation(
  messages: readonly ChatMessage[],
  warnings: TranslationWarning[],
): AnthropicConversation {
  const system: string[] = [];
  const out: MessageParam[] = [];
  // The user turn that collects tool results, while the messages keep being results.
  let resultsTurn: ContentBlockParam[] | undefined;
  let started = false;
  messages.forEach((message, i) => {
    const path = `messages[${i}]`;
    if (typeof message.name === 'string' && message.role !== 'function') {
      warnings.push({
        field: `${path}.name`,
        reason: 'participant names have no Anthropic counterpart; dropped',
      });
    }
    switch (message.role) {
      case 'system':
      case 'developer': {
        if (started) {
          warnings.push({
            field: path,
            reason:
              'a system message inside the conversation was moved to the top-level system prompt',
          });
        }
        const text = systemText(message.content);
        if (text !== '') system.push(text);
        return;
      }
      case 'tool': {
        started = true;
        if (resultsTurn) resultsTurn.push(toolResult(message));
        else {
          resultsTurn = [toolResult(message)];
          out.push({ role: 'user', content: resultsTurn });
        }
        return;
      }
      case 'user': {
        started = true;
        const blocks = userBlocks(message, path, warnings);
        if (resultsTurn) resultsTurn.push(...blocks);
        else if (blocks.length) out.push({ role: 'user', content: compact(blocks) });
        resultsTurn = undefined;
        return;
      }
      case 'assistant': {
        started = true;
        resultsTurn = undefined;
        const blocks = assistantBlocks(message, path, warnings);
        if (blocks.length) out.push({ role: 'assistant', content: compact(blocks) });
        return;
      }
      default:
        warnings.push({
          field: path,
          reason: `the ${String((message as { role: unknown }).role)} role has no Anthropic counterpart; message dropped`,
        });
    }
  });
  return { system: system.length ? system.join(SYSTEM_SEPARATOR) : undefined, messages: out };
}
