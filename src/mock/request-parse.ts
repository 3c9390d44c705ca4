/**
 * Reads a request body into the few facts the simulator acts on (model, stream, max tokens,
 * input estimate, tools), rejecting what the real provider rejects with its own wording:
 * OpenAI needs `model` and `messages`; Anthropic needs `model`, `messages` and `max_tokens`
 * (count_tokens: no `max_tokens`).
 */

import type { Dialect } from './scenario.ts';
import { estimateInputTokens } from './token-estimate.ts';

type Json = Record<string, unknown>;

export type Endpoint = 'chat' | 'messages' | 'count_tokens';

export interface ToolDef {
  name: string;
  /** JSON Schema of the arguments, if given. */
  schema: unknown;
}

/** `any`: must call some tool; `named`: must call that one. */
export type ToolChoice = { mode: 'auto' | 'none' | 'any' } | { mode: 'named'; name: string };

export interface MockRequest {
  dialect: Dialect;
  endpoint: Endpoint;
  model: string;
  stream: boolean;
  /** OpenAI `stream_options.include_usage`. */
  includeUsage: boolean;
  /** `max_completion_tokens` ?? `max_tokens`. */
  maxTokens: number | undefined;
  inputTokens: number;
  tools: ToolDef[];
  toolChoice: ToolChoice;
  lastUserText: string;
  /** The conversation ends with a tool's result: answer in text, do not call again. */
  endsWithToolResult: boolean;
}

export type ParseResult =
  | { ok: true; request: MockRequest }
  | { ok: false; message: string; param: string | null; code: string | null };

const invalid = (message: string, param: string | null = null, code: string | null = null) =>
  ({ ok: false, message, param, code }) as const;

export function parseRequest(dialect: Dialect, endpoint: Endpoint, body: Json): ParseResult {
  return dialect === 'openai' ? parseOpenAI(body) : parseAnthropic(endpoint, body);
}

function parseOpenAI(body: Json): ParseResult {
  if (typeof body.model !== 'string' || body.model === '') {
    return invalid('you must provide a model parameter');
  }
  const { messages } = body;
  if (messages === undefined) {
    return invalid(
      "Missing required parameter: 'messages'.",
      'messages',
      'missing_required_parameter',
    );
  }
  if (!Array.isArray(messages)) {
    return invalid(
      `Invalid type for 'messages': expected an array of objects, but got ${typeof messages} instead.`,
      'messages',
      'invalid_type',
    );
  }
  if (messages.length === 0) {
    return invalid(
      "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.",
      'messages',
      'empty_array',
    );
  }
  for (const param of ['max_completion_tokens', 'max_tokens'] as const) {
    const value = body[param];
    if (value === undefined || value === null) continue;
    if (!Number.isInteger(value)) {
      return invalid(
        `Invalid type for '${param}': expected an integer, but got ${typeof value} instead.`,
        param,
        'invalid_type',
      );
    }
    if ((value as number) < 1) {
      return invalid(
        `Invalid '${param}': integer below minimum value. Expected a value >= 1, but got ${value} instead.`,
        param,
        'integer_below_min_value',
      );
    }
  }
  const last = messages.at(-1) as Json | undefined;
  const streamOptions = (body.stream_options ?? {}) as Json;
  return {
    ok: true,
    request: {
      dialect: 'openai',
      endpoint: 'chat',
      model: body.model,
      stream: body.stream === true,
      includeUsage: body.stream === true && streamOptions.include_usage === true,
      maxTokens: (body.max_completion_tokens ?? body.max_tokens ?? undefined) as number | undefined,
      inputTokens: estimateInputTokens(body),
      tools: toolDefs(body.tools, (t) => {
        const fn = (t.function ?? t.custom) as Json | undefined;
        return { name: fn?.name, schema: fn?.parameters };
      }),
      toolChoice: openaiToolChoice(body.tool_choice),
      lastUserText: lastUserText(messages as Json[]),
      endsWithToolResult: last?.role === 'tool',
    },
  };
}

function parseAnthropic(endpoint: Endpoint, body: Json): ParseResult {
  if (body.model === undefined) return invalid('model: Field required', 'model');
  if (typeof body.model !== 'string') return invalid('model: Input should be a valid string');
  if (body.messages === undefined) return invalid('messages: Field required', 'messages');
  if (!Array.isArray(body.messages)) return invalid('messages: Input should be a valid list');
  if (endpoint === 'messages') {
    if (body.max_tokens === undefined) return invalid('max_tokens: Field required', 'max_tokens');
    if (!Number.isInteger(body.max_tokens)) {
      return invalid('max_tokens: Input should be a valid integer', 'max_tokens');
    }
    if ((body.max_tokens as number) < 0) {
      return invalid('max_tokens: Input should be greater than or equal to 0', 'max_tokens');
    }
  }
  const messages = body.messages as Json[];
  const last = messages.at(-1);
  const lastBlocks = Array.isArray(last?.content) ? (last.content as Json[]) : [];
  return {
    ok: true,
    request: {
      dialect: 'anthropic',
      endpoint,
      model: body.model,
      stream: endpoint === 'messages' && body.stream === true,
      includeUsage: false,
      maxTokens: body.max_tokens as number | undefined,
      inputTokens: estimateInputTokens(body),
      tools: toolDefs(body.tools, (t) => ({ name: t.name, schema: t.input_schema })),
      toolChoice: anthropicToolChoice(body.tool_choice),
      lastUserText: lastUserText(messages),
      endsWithToolResult: lastBlocks.some((b) => b?.type === 'tool_result'),
    },
  };
}

function toolDefs(
  tools: unknown,
  read: (t: Json) => { name: unknown; schema: unknown },
): ToolDef[] {
  if (!Array.isArray(tools)) return [];
  const out: ToolDef[] = [];
  for (const tool of tools) {
    if (typeof tool !== 'object' || tool === null) continue;
    const { name, schema } = read(tool as Json);
    if (typeof name === 'string' && name !== '') out.push({ name, schema });
  }
  return out;
}

function openaiToolChoice(choice: unknown): ToolChoice {
  if (choice === 'none') return { mode: 'none' };
  if (choice === 'required') return { mode: 'any' };
  const fn = (choice as Json | null)?.function as Json | undefined;
  if (typeof fn?.name === 'string') return { mode: 'named', name: fn.name };
  return { mode: 'auto' };
}

function anthropicToolChoice(choice: unknown): ToolChoice {
  const c = (choice ?? {}) as Json;
  if (c.type === 'none') return { mode: 'none' };
  if (c.type === 'any') return { mode: 'any' };
  if (c.type === 'tool' && typeof c.name === 'string') return { mode: 'named', name: c.name };
  return { mode: 'auto' };
}

function lastUserText(messages: Json[]): string {
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i];
    if (m?.role !== 'user') continue;
    if (typeof m.content === 'string') return m.content;
    if (!Array.isArray(m.content)) return '';
    return (m.content as Json[]).map((b) => (typeof b?.text === 'string' ? b.text : '')).join(' ');
  }
  return '';
}
