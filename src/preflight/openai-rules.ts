/**
 * The OpenAI Chat Completions rules a schema cannot express (provider-wire.md §5): fields
 * required beside others, the roles OpenAI knows, and each tool message answering a call made
 * just before it.
 */
import { didYouMean } from '../core/closest.ts';
import { isObject, type Json, messagesOf, quote, type RequestRule } from './rule.ts';
import { isRequired } from './schema-kit.ts';

export const OPENAI_ROLES = ['developer', 'system', 'user', 'assistant', 'tool', 'function'];

function callIds(message: Json): string[] | undefined {
  if (message.role !== 'assistant' || !Array.isArray(message.tool_calls)) return undefined;
  if (message.tool_calls.length === 0) return undefined;
  return message.tool_calls.flatMap((call) =>
    isObject(call) && typeof call.id === 'string' ? [call.id] : [],
  );
}

export const OPENAI_RULES: readonly RequestRule[] = [
  {
    id: 'openai.content_required',
    dialect: 'openai',
    severity: 'error',
    summary: 'every message but an assistant turn that calls tools has `content`',
    check(body, report) {
      const messages = messagesOf(body);
      for (let i = 0; i < messages.length; i++) {
        const message = messages[i];
        if (
          isObject(message) &&
          typeof message.role === 'string' &&
          message.role !== 'assistant' &&
          message.content == null
        )
          report(['messages', i, 'content'], isRequired('content'));
      }
    },
  },
  {
    id: 'openai.tool_call_id_required',
    dialect: 'openai',
    severity: 'error',
    summary: 'a `tool` message names the call it answers in `tool_call_id`',
    check(body, report) {
      const messages = messagesOf(body);
      for (let i = 0; i < messages.length; i++) {
        const message = messages[i];
        if (isObject(message) && message.role === 'tool' && message.tool_call_id == null)
          report(['messages', i, 'tool_call_id'], isRequired('tool_call_id'));
      }
    },
  },
  {
    id: 'openai.function_required',
    dialect: 'openai',
    severity: 'error',
    summary: 'a function tool and a function tool call carry `function`',
    check(body, report) {
      const needs = (item: unknown) =>
        isObject(item) && (item.type == null || item.type === 'function') && item.function == null;
      if (Array.isArray(body.tools)) {
        body.tools.forEach((tool, t) => {
          if (needs(tool))
            report(
              ['tools', t, 'function'],
              'is required on a function tool: { name, parameters }',
            );
        });
      }
      const messages = messagesOf(body);
      for (let i = 0; i < messages.length; i++) {
        const message = messages[i];
        if (!isObject(message) || !Array.isArray(message.tool_calls)) continue;
        message.tool_calls.forEach((call, c) => {
          if (needs(call))
            report(
              ['messages', i, 'tool_calls', c, 'function'],
              'is required on a function tool call: { name, arguments }',
            );
        });
      }
    },
  },
  {
    id: 'openai.known_roles',
    dialect: 'openai',
    severity: 'error',
    summary: `every role is one OpenAI knows: ${OPENAI_ROLES.join(', ')}`,
    check(body, report) {
      const messages = messagesOf(body);
      for (let i = 0; i < messages.length; i++) {
        const message = messages[i];
        const role = isObject(message) ? message.role : undefined;
        if (typeof role !== 'string' || OPENAI_ROLES.includes(role)) continue;
        report(
          ['messages', i, 'role'],
          `${quote(role)} is not a role OpenAI knows — use one of ${OPENAI_ROLES.join(', ')}${didYouMean(role, OPENAI_ROLES)}`,
        );
      }
    },
  },
  {
    id: 'openai.tool_message_answers_call',
    dialect: 'openai',
    severity: 'error',
    summary: 'each `tool` message answers a `tool_calls` id of the assistant message it follows',
    check(body, report) {
      // The assistant turn a run of tool messages answers, and its call ids.
      let calls: { index: number; ids: string[] } | undefined;
      const messages = messagesOf(body);
      for (let i = 0; i < messages.length; i++) {
        const message = messages[i];
        if (!isObject(message)) {
          calls = undefined;
          continue;
        }
        const ids = callIds(message);
        if (ids) {
          calls = { index: i, ids };
          continue;
        }
        if (message.role !== 'tool') {
          calls = undefined;
          continue;
        }
        const id = message.tool_call_id;
        if (typeof id !== 'string') continue;
        if (!calls) {
          report(
            ['messages', i],
            'is a tool message with no assistant tool call before it — put it right after the assistant message whose `tool_calls` it answers',
          );
        } else if (!calls.ids.includes(id)) {
          report(
            ['messages', i, 'tool_call_id'],
            `${quote(id)} matches no call of messages.${calls.index} (its tool_calls ids: ${calls.ids.map(quote).join(', ')}) — use the id of the call this result answers`,
          );
        }
      }
    },
  },
];
