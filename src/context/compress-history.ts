/**
 * `compressHistory`: the older part of a conversation replaced by a summary written by a model —
 * a cheap one, through breakwater's own engine (a `BreakwaterClient` or the `Engine`), so the
 * summary call has its retries, breaker, limits and fallback like any other. The system prompt
 * and the newest `keepLastN` messages stay as they are (widened to whole tool-call turns); the
 * rest becomes one message holding the summary, placed right after the system prompt.
 *
 * The summary call is made in the OpenAI dialect (any route can answer it: the engine translates
 * for an Anthropic target), without streaming and without the answer cache.
 */
import type { DialectName } from '../dialects/dialect-name.ts';
import {
  dialectForModel,
  dialectOf,
  type Message,
  systemPrefixLength,
  turnGroups,
} from './turns.ts';

/** What compressHistory needs of breakwater: `client.call` or `engine.call`. */
export interface SummaryCaller {
  call(
    dialect: DialectName,
    body: Record<string, unknown>,
    options?: { signal?: AbortSignal; noCache?: boolean; noStore?: boolean },
  ): Promise<{ kind: 'json'; body: unknown } | { kind: 'stream' }>;
}

export interface CompressHistoryOptions {
  /** The route or `provider/model` that writes the summary: a cheap, fast model. */
  route: string;
  /** The breakwater client (or engine) the summary call goes through. */
  client: SummaryCaller;
  /** The newest messages kept as they are, widened to whole tool-call turns. @default 4 */
  keepLastN?: number;
  /** The summary's length limit, in output tokens. @default 512 */
  maxSummaryTokens?: number;
  /** The messages' dialect. @default read from the messages, else OpenAI's */
  dialect?: DialectName;
  signal?: AbortSignal;
}

export const SUMMARY_PREFIX = 'Summary of the earlier conversation:';

const INSTRUCTIONS =
  'Summarise the conversation below for the assistant that will continue it. Keep every fact, ' +
  'decision, name, number and open question it will need; drop pleasantries. Write plain prose ' +
  'in the language of the conversation, at most a few paragraphs.';

const isObject = (value: unknown): value is Message =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function blockText(block: unknown): string {
  if (typeof block === 'string') return block;
  if (!isObject(block)) return '';
  switch (block.type) {
    case 'text':
      return String(block.text ?? '');
    case 'tool_use':
      return `[called tool ${String(block.name)} with ${JSON.stringify(block.input ?? {})}]`;
    case 'tool_result':
      return `[tool result: ${contentText(block.content)}]`;
    case 'image':
    case 'image_url':
      return '[image]';
    case 'document':
    case 'file':
      return '[document]';
    default:
      return '';
  }
}

function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map(blockText).filter(Boolean).join('\n');
  return '';
}

/** One message as a transcript line: `role: text`, tool calls spelled out. */
function transcriptLine(message: Message): string {
  let text = contentText(message.content);
  if (Array.isArray(message.tool_calls)) {
    for (const call of message.tool_calls) {
      const fn = isObject(call) && isObject(call.function) ? call.function : undefined;
      if (fn) text += `\n[called tool ${String(fn.name)} with ${String(fn.arguments ?? '')}]`;
    }
  }
  const role = message.role === 'tool' ? 'tool result' : String(message.role ?? 'user');
  return `${role}: ${text.trim()}`;
}

function answerText(answer: Awaited<ReturnType<SummaryCaller['call']>>): string {
  if (answer.kind !== 'json') throw new Error('compressHistory: the summary call streamed');
  const body = answer.body as { choices?: { message?: { content?: unknown } }[] };
  const content = body.choices?.[0]?.message?.content;
  if (typeof content !== 'string' || content.trim() === '') {
    throw new Error('compressHistory: the summary call answered without text');
  }
  return content.trim();
}

function checkOptions(options: CompressHistoryOptions): void {
  const keep = options.keepLastN ?? 4;
  if (!Number.isSafeInteger(keep) || keep < 0) {
    throw new TypeError(`Expected \`keepLastN\` to be a non-negative integer, got ${keep}`);
  }
  const max = options.maxSummaryTokens ?? 512;
  if (!Number.isSafeInteger(max) || max < 1) {
    throw new TypeError(`Expected \`maxSummaryTokens\` to be a positive integer, got ${max}`);
  }
  if (typeof options.route !== 'string' || options.route === '') {
    throw new TypeError('Expected `route` to name the route or provider/model that summarises');
  }
  if (typeof options.client?.call !== 'function') {
    throw new TypeError('Expected `client` to be a breakwater client or engine');
  }
}

/**
 * `messages` with everything but the system prompt and the newest `keepLastN` messages replaced
 * by one summary message. Returns `messages` unchanged when there is nothing older to summarise.
 * A failed summary call rejects with the engine's error.
 */
export async function compressHistory<M extends Message>(
  messages: readonly M[],
  options: CompressHistoryOptions,
): Promise<M[]> {
  checkOptions(options);
  const dialect = options.dialect ?? dialectOf(messages, dialectForModel(''));
  const keepLastN = options.keepLastN ?? 4;
  const system = systemPrefixLength(messages);
  // The first group holding one of the newest `keepLastN` messages starts what is kept.
  let keepFrom = messages.length;
  for (const [start, end] of turnGroups(messages, dialect, system)) {
    if (end > messages.length - keepLastN) {
      keepFrom = start;
      break;
    }
  }
  const older = messages.slice(system, keepFrom);
  if (older.length === 0) return [...messages];
  const transcript = older.map(transcriptLine).join('\n\n');
  const answer = await options.client.call(
    'openai',
    {
      model: options.route,
      messages: [
        { role: 'system', content: INSTRUCTIONS },
        { role: 'user', content: transcript },
      ],
      max_completion_tokens: options.maxSummaryTokens ?? 512,
    },
    { signal: options.signal, noCache: true, noStore: true },
  );
  const summary = `${SUMMARY_PREFIX}\n${answerText(answer)}`;
  // Anthropic has no system role inside `messages`: there the summary is a user turn.
  const role = dialect === 'openai' ? 'system' : 'user';
  return [
    ...messages.slice(0, system),
    { role, content: summary } as unknown as M,
    ...messages.slice(keepFrom),
  ];
}
