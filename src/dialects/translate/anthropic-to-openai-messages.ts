/**
 * Anthropic `system` + `messages` → OpenAI `messages`.
 *
 * - The top-level `system` becomes one leading system message (see system-prompt.ts); a
 *   mid-conversation `system` message (newer models) stays in place as a system message.
 * - A user turn's `tool_result` blocks become `tool` messages, emitted first (OpenAI wants them
 *   right after the assistant's `tool_calls`), then the rest of the turn as one user message.
 *   Images and PDFs inside a tool result move into that user message (a tool message carries
 *   text only); `is_error: true` has no flag in OpenAI, so the result text is prefixed with
 *   `Error: `.
 * - An assistant turn's text blocks join (no separator: they are one answer, split only by
 *   citations) and `tool_use` blocks become `tool_calls` (see tool-arguments.ts).
 * - `thinking` and `redacted_thinking` blocks have no OpenAI Chat counterpart and are dropped
 *   quietly: a model sees only its previous answers, not its reasoning, either way.
 * - Server-tool blocks, `file` sources and other blocks without a counterpart are dropped with a
 *   warning naming the block.
 */
import type {
  ContentBlockParam,
  MessageCreateRequest,
  ToolResultBlock,
} from '../anthropic/types.ts';
import type {
  ChatMessage,
  ChatToolCall,
  ChatToolMessage,
  ChatUserContentPart,
} from '../openai/types.ts';
import { toOpenAIDocument, toOpenAIImage } from './images.ts';
import { systemText } from './system-prompt.ts';
import { stringifyToolInput } from './tool-arguments.ts';
import type { TranslationWarning } from './warnings.ts';

const TOOL_ERROR_PREFIX = 'Error: ';

/** Blocks the conversion drops without a warning (see the module comment). */
const SILENT: ReadonlySet<string> = new Set(['thinking', 'redacted_thinking']);

function unsupported(block: { type: string }, field: string, warnings: TranslationWarning[]) {
  if (SILENT.has(block.type)) return;
  warnings.push({
    field,
    reason: `an Anthropic ${block.type} block has no OpenAI counterpart; dropped`,
  });
}

/** A lone text part is sent as a plain string. */
function compact(parts: ChatUserContentPart[]): string | ChatUserContentPart[] {
  const only = parts.length === 1 ? parts[0] : undefined;
  return only?.type === 'text' && Object.keys(only).length === 2 ? only.text : parts;
}

function toolMessage(
  block: ToolResultBlock,
  field: string,
  media: ChatUserContentPart[],
  warnings: TranslationWarning[],
): ChatToolMessage {
  const texts: string[] = typeof block.content === 'string' ? [block.content] : [];
  if (Array.isArray(block.content)) {
    block.content.forEach((part, k) => {
      const where = `${field}.content[${k}]`;
      if (part.type === 'text') texts.push(part.text);
      else if (part.type !== 'image' && part.type !== 'document')
        unsupported(part, where, warnings);
      else {
        const converted = part.type === 'image' ? toOpenAIImage(part) : toOpenAIDocument(part);
        if (!converted.ok) warnings.push({ field: where, reason: converted.reason });
        else if (converted.value.type === 'text') texts.push(converted.value.text);
        else media.push(converted.value);
      }
    });
  }
  if (block.is_error === true) texts[0] = TOOL_ERROR_PREFIX + (texts[0] ?? '');
  // One text stays a string; several stay separate parts, as they were separate blocks.
  const content =
    texts.length === 1
      ? (texts[0] as string)
      : texts.map((text) => ({ type: 'text' as const, text }));
  return { role: 'tool', tool_call_id: block.tool_use_id, content: texts.length ? content : '' };
}

function userMessages(
  blocks: readonly ContentBlockParam[],
  path: string,
  warnings: TranslationWarning[],
): ChatMessage[] {
  const tools: ChatMessage[] = [];
  const parts: ChatUserContentPart[] = [];
  const media: ChatUserContentPart[] = [];
  blocks.forEach((block, j) => {
    const field = `${path}.content[${j}]`;
    if (block.type === 'tool_result') tools.push(toolMessage(block, field, media, warnings));
    else if (block.type === 'text') parts.push({ type: 'text', text: block.text });
    else if (block.type === 'image' || block.type === 'document') {
      const converted = block.type === 'image' ? toOpenAIImage(block) : toOpenAIDocument(block);
      if (converted.ok) parts.push(converted.value);
      else warnings.push({ field, reason: converted.reason });
    } else unsupported(block, field, warnings);
  });
  parts.unshift(...media);
  if (parts.length) tools.push({ role: 'user', content: compact(parts) });
  return tools;
}

function assistantMessage(
  blocks: readonly ContentBlockParam[],
  path: string,
  warnings: TranslationWarning[],
): ChatMessage | undefined {
  let text = '';
  const calls: ChatToolCall[] = [];
  blocks.forEach((block, j) => {
    if (block.type === 'text') text += block.text;
    else if (block.type === 'tool_use') {
      const args = stringifyToolInput(block.input);
      calls.push({
        id: block.id,
        type: 'function',
        function: { name: block.name, arguments: args },
      });
    } else unsupported(block, `${path}.content[${j}]`, warnings);
  });
  if (!calls.length) return text === '' ? undefined : { role: 'assistant', content: text };
  return { role: 'assistant', content: text === '' ? null : text, tool_calls: calls };
}

/** Translates the conversation; warnings are appended to `warnings`. */
export function toOpenAIMessages(
  req: Pick<MessageCreateRequest, 'system' | 'messages'>,
  systemRole: 'system' | 'developer',
  warnings: TranslationWarning[],
): ChatMessage[] {
  const out: ChatMessage[] = [];
  const system = req.system === undefined ? '' : systemText(req.system);
  if (system !== '') out.push({ role: systemRole, content: system });
  req.messages.forEach((message, i) => {
    const path = `messages[${i}]`;
    const { content } = message;
    if (message.role === 'system') {
      const text = systemText(content);
      if (text !== '') out.push({ role: systemRole, content: text });
    } else if (typeof content === 'string') {
      out.push({ role: message.role, content });
    } else if (message.role === 'user') {
      out.push(...userMessages(content, path, warnings));
    } else {
      const assistant = assistantMessage(content, path, warnings);
      if (assistant) out.push(assistant);
    }
  });
  return out;
}
