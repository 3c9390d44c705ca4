/**
 * `slidingWindow`: a conversation trimmed to a token budget by dropping its oldest turns. The
 * system prompt is always kept, and so are the newest `keepLastN` messages; older turns are taken
 * back newest first while they fit. A tool call and its results are kept or dropped together
 * (turns.ts), so the window never holds a tool result whose call was cut away.
 */
import type { DialectName } from '../dialects/dialect-name.ts';
import {
  dialectForModel,
  dialectOf,
  frameTokens,
  type Message,
  messageTokens,
  systemPrefixLength,
  turnGroups,
} from './turns.ts';

export interface SlidingWindowOptions {
  /**
   * The most prompt tokens the messages may count (framing included). The system prompt and the
   * newest `keepLastN` messages are kept even when they alone are over it.
   */
  maxTokens: number;
  /** The newest messages always kept, widened to whole tool-call turns. @default 1 */
  keepLastN?: number;
  /** Whose tokens to count in. @default 'gpt-4o' */
  model?: string;
  /** The messages' dialect. @default read from the messages, else from the model's name */
  dialect?: DialectName;
}

export interface WindowResult<M> {
  messages: M[];
  /** Messages left out, oldest first. */
  dropped: M[];
  /** The kept messages' prompt tokens, framing included. */
  tokens: number;
}

function checkOptions(options: SlidingWindowOptions): void {
  if (!Number.isSafeInteger(options.maxTokens) || options.maxTokens < 1) {
    throw new TypeError(
      `Expected \`maxTokens\` to be a positive integer, got ${options.maxTokens}`,
    );
  }
  const keep = options.keepLastN ?? 1;
  if (!Number.isSafeInteger(keep) || keep < 0) {
    throw new TypeError(`Expected \`keepLastN\` to be a non-negative integer, got ${keep}`);
  }
}

/** Like `slidingWindow`, with what was dropped and the count kept. */
export function slideWindow<M extends Message>(
  messages: readonly M[],
  options: SlidingWindowOptions,
): WindowResult<M> {
  checkOptions(options);
  const model = options.model ?? 'gpt-4o';
  const dialect = options.dialect ?? dialectOf(messages, dialectForModel(model));
  const keepLastN = options.keepLastN ?? 1;
  const system = systemPrefixLength(messages);
  const groups = turnGroups(messages, dialect, system);
  const cost = (from: number, to: number) => {
    let sum = 0;
    for (let i = from; i < to; i++) sum += messageTokens(messages[i]!, dialect, model);
    return sum;
  };
  let tokens = frameTokens(dialect, model) + cost(0, system);
  // Newest groups first: the ones holding the last `keepLastN` messages are kept whatever they cost.
  let first = messages.length;
  let g = groups.length - 1;
  for (; g >= 0; g--) {
    const [start, end] = groups[g]!;
    const mandatory = end > messages.length - keepLastN;
    const groupTokens = cost(start, end);
    if (!mandatory && tokens + groupTokens > options.maxTokens) break;
    tokens += groupTokens;
    first = start;
  }
  return {
    messages: [...messages.slice(0, system), ...messages.slice(first)],
    dropped: messages.slice(system, first),
    tokens,
  };
}

/** `messages` without their oldest turns, within `maxTokens` (see the module comment). */
export function slidingWindow<M extends Message>(
  messages: readonly M[],
  options: SlidingWindowOptions,
): M[] {
  return slideWindow(messages, options).messages;
}
