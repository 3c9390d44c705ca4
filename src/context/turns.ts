/**
 * A conversation seen as the context tools need it: the system prompt at its head, then turns
 * that must stay together — an assistant message that calls tools with the messages carrying
 * their results (OpenAI: the `tool` messages after it; Anthropic: the next user message, whose
 * `tool_result` blocks answer its `tool_use` blocks). Dropping half of such a pair is a 400 at
 * both providers, so the tools keep or drop a group whole.
 *
 * Works on either dialect's messages; the dialect is read from the messages themselves when the
 * caller does not say.
 */
import type { DialectName } from '../dialects/dialect-name.ts';
import { countPromptTokens } from '../tokens/prompt-tokens.ts';

export type Message = Record<string, unknown>;

const isObject = (value: unknown): value is Message =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function hasBlock(message: Message, type: string): boolean {
  return (
    Array.isArray(message.content) && message.content.some((b) => isObject(b) && b.type === type)
  );
}

/** The dialect the messages are written in; `fallback` when nothing in them tells. */
export function dialectOf(messages: readonly Message[], fallback: DialectName): DialectName {
  for (const m of messages) {
    if (m.role === 'tool' || m.role === 'developer' || m.role === 'function') return 'openai';
    if (m.role === 'system' || Array.isArray(m.tool_calls)) return 'openai';
    if (hasBlock(m, 'tool_use') || hasBlock(m, 'tool_result')) return 'anthropic';
  }
  return fallback;
}

/** `claude-*` models speak Anthropic's dialect, the rest OpenAI's. */
export function dialectForModel(model: string): DialectName {
  return /^claude-/i.test(model) ? 'anthropic' : 'openai';
}

/** How many leading messages are the system prompt (OpenAI's `system` / `developer` roles). */
export function systemPrefixLength(messages: readonly Message[]): number {
  let n = 0;
  while (
    n < messages.length &&
    (messages[n]!.role === 'system' || messages[n]!.role === 'developer')
  )
    n++;
  return n;
}

function callsTools(message: Message, dialect: DialectName): boolean {
  if (message.role !== 'assistant') return false;
  return dialect === 'openai'
    ? Array.isArray(message.tool_calls) && message.tool_calls.length > 0
    : hasBlock(message, 'tool_use');
}

function answersTools(message: Message, dialect: DialectName): boolean {
  return dialect === 'openai'
    ? message.role === 'tool' || message.role === 'function'
    : message.role === 'user' && hasBlock(message, 'tool_result');
}

/**
 * The messages after the system prompt in groups that must stay together, oldest first. Each
 * group is `[start, end)` over `messages`.
 */
export function turnGroups(
  messages: readonly Message[],
  dialect: DialectName,
  from = 0,
): [number, number][] {
  const groups: [number, number][] = [];
  let i = from;
  while (i < messages.length) {
    const start = i;
    i++;
    if (callsTools(messages[start]!, dialect)) {
      if (dialect === 'openai') {
        while (i < messages.length && answersTools(messages[i]!, dialect)) i++;
      } else if (i < messages.length && answersTools(messages[i]!, dialect)) {
        i++;
      }
    }
    groups.push([start, i]);
  }
  return groups;
}

/** A message's own tokens in `dialect` for `model`: its content and framing, nothing else. */
export function messageTokens(message: Message, dialect: DialectName, model: string): number {
  const one = countPromptTokens(dialect, { model, messages: [message] }, model).tokens;
  const none = countPromptTokens(dialect, { model, messages: [] }, model).tokens;
  return Math.max(0, one - none);
}

/** The tokens a request's frame costs beyond its messages (reply priming, per-request overhead). */
export function frameTokens(dialect: DialectName, model: string): number {
  return countPromptTokens(dialect, { model, messages: [] }, model).tokens;
}
