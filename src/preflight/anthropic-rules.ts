/**
 * The Anthropic Messages rules a schema cannot express (provider-wire.md §5, §9): the roles it
 * knows, the system prompt at the top level, and tool results answering the tool_use blocks of
 * the assistant turn right before them (and every tool_use answered). Where the provider's
 * current behaviour is lenient — consecutive same-role messages are merged into one turn, a first
 * message from the assistant is accepted — the rule is a warning: logged and counted, never a 400.
 */
import { didYouMean } from '../core/closest.ts';
import { isObject, type Json, messagesOf, quote, type RequestRule } from './rule.ts';

const ROLES = ['user', 'assistant'];

/** The content blocks of a message of one type, with their index. */
function blocksOf(message: unknown, type: string): [Json, number][] {
  if (!isObject(message) || !Array.isArray(message.content)) return [];
  const out: [Json, number][] = [];
  message.content.forEach((block, b) => {
    if (isObject(block) && block.type === type) out.push([block, b]);
  });
  return out;
}

function toolUseIds(message: unknown): string[] {
  if (!isObject(message) || message.role !== 'assistant') return [];
  return blocksOf(message, 'tool_use').flatMap(([block]) =>
    typeof block.id === 'string' ? [block.id] : [],
  );
}

/** A `system` message made of `mid_conv_system` blocks: the newer models' mid-conversation form. */
function midConversationSystem(message: Json): boolean {
  return (
    Array.isArray(message.content) &&
    message.content.length > 0 &&
    message.content.every((b) => isObject(b) && b.type === 'mid_conv_system')
  );
}

function roleOf(message: unknown): unknown {
  return isObject(message) ? message.role : undefined;
}

/** Whether a message's content holds a block of `type` (no allocation for string content). */
function hasBlock(message: unknown, type: string): boolean {
  if (!isObject(message) || !Array.isArray(message.content)) return false;
  for (const block of message.content) if (isObject(block) && block.type === type) return true;
  return false;
}

export const ANTHROPIC_RULES: readonly RequestRule[] = [
  {
    id: 'anthropic.known_roles',
    dialect: 'anthropic',
    severity: 'error',
    summary: 'every role is "user" or "assistant" ("system" only with mid_conv_system blocks)',
    check(body, report) {
      const messages = messagesOf(body);
      for (let i = 0; i < messages.length; i++) {
        const role = roleOf(messages[i]);
        if (typeof role !== 'string' || ROLES.includes(role) || role === 'system') continue;
        report(
          ['messages', i, 'role'],
          `${quote(role)} is not a role Anthropic knows — use "user" or "assistant"${didYouMean(role, ROLES)}`,
        );
      }
    },
  },
  {
    id: 'anthropic.system_top_level',
    dialect: 'anthropic',
    severity: 'error',
    summary: 'the system prompt is the top-level `system` field, not a message',
    check(body, report) {
      const messages = messagesOf(body);
      for (let i = 0; i < messages.length; i++) {
        const message = messages[i];
        if (!isObject(message) || message.role !== 'system' || midConversationSystem(message))
          continue;
        report(
          ['messages', i, 'role'],
          'is "system", which Anthropic does not take as a message — put the system prompt in the top-level `system` field',
        );
      }
    },
  },
  {
    id: 'anthropic.tool_result_answers_tool_use',
    dialect: 'anthropic',
    severity: 'error',
    summary: 'each tool_result answers a tool_use of the assistant message right before it',
    check(body, report) {
      const messages = messagesOf(body);
      for (let i = 0; i < messages.length; i++) {
        if (!hasBlock(messages[i], 'tool_result')) continue;
        const results = blocksOf(messages[i], 'tool_result');
        const ids = toolUseIds(messages[i - 1]);
        for (const [block, b] of results) {
          const id = block.tool_use_id;
          if (typeof id !== 'string' || ids.includes(id)) continue;
          report(
            ['messages', i, 'content', b, 'tool_use_id'],
            ids.length === 0
              ? `${quote(id)} answers no tool_use: the message before it (messages.${i - 1}) calls no tool — a tool_result goes in the user message right after the assistant's tool_use`
              : `${quote(id)} matches no tool_use of messages.${i - 1} (its ids: ${ids.map(quote).join(', ')}) — use the id of the tool_use this result answers`,
          );
        }
      }
    },
  },
  {
    id: 'anthropic.tool_use_answered',
    dialect: 'anthropic',
    severity: 'error',
    summary: 'a tool_use followed by another message is answered by a tool_result in that message',
    check(body, report) {
      const messages = messagesOf(body);
      for (let i = 0; i + 1 < messages.length; i++) {
        const next = messages[i + 1];
        if (roleOf(messages[i]) !== 'assistant' || !hasBlock(messages[i], 'tool_use')) continue;
        const answered = new Set(blocksOf(next, 'tool_result').map(([block]) => block.tool_use_id));
        for (const [block, b] of blocksOf(messages[i], 'tool_use')) {
          if (typeof block.id !== 'string' || answered.has(block.id)) continue;
          report(
            ['messages', i, 'content', b],
            `is tool_use ${quote(block.id)} with no tool_result in the next message (messages.${i + 1}) — answer every tool call in the user message right after it`,
          );
        }
      }
    },
  },
  {
    id: 'anthropic.consecutive_roles',
    dialect: 'anthropic',
    severity: 'warning',
    summary: 'consecutive messages of one role are merged by Anthropic into one turn (a warning)',
    check(body, report) {
      const messages = messagesOf(body);
      for (let i = 1; i < messages.length; i++) {
        const role = roleOf(messages[i]);
        if (typeof role === 'string' && role === roleOf(messages[i - 1])) {
          report(
            ['messages', i, 'role'],
            `repeats the role of messages.${i - 1} (${quote(role)}): Anthropic merges consecutive ${quote(role)} messages into one turn`,
          );
        }
      }
    },
  },
  {
    id: 'anthropic.first_message_assistant',
    dialect: 'anthropic',
    severity: 'warning',
    summary: 'a conversation that starts with the assistant is accepted (a warning)',
    check(body, report) {
      if (roleOf(messagesOf(body)[0]) === 'assistant') {
        report(
          ['messages', 0, 'role'],
          'is "assistant": the conversation starts with the assistant (Anthropic accepts it; some older models and platforms do not)',
        );
      }
    },
  },
];
