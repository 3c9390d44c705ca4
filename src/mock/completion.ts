/**
 * Decides what a simulated answer says, independent of dialect: seeded filler text cut at the
 * request's max tokens, or a call to a tool.
 *
 * A tool is called when the request has `tools` (and `tool_choice` is not `none`) and either the
 * tool choice forces it, the behaviour says `toolCall: true`, or the last user message contains
 * "call a tool". A conversation that ends with a tool result gets text, so agent loops finish.
 */

import { loremTokens } from './lorem.ts';
import type { Random } from './prng.ts';
import type { MockRequest, ToolDef } from './request-parse.ts';
import type { Behaviour } from './scenario.ts';

export interface ToolCall {
  name: string;
  input: Record<string, unknown>;
  /** `input` as JSON text, the way both providers stream it. */
  json: string;
}

export interface Completion {
  /** Answer text, one piece per output token; empty for a tool call. */
  pieces: string[];
  tool: ToolCall | undefined;
  stop: 'end' | 'length' | 'tool' | 'refusal';
  inputTokens: number;
  outputTokens: number;
}

const TOOL_TRIGGER = /call a tool/i;

export function planCompletion(req: MockRequest, behaviour: Behaviour, random: Random): Completion {
  const tool = chooseTool(req, behaviour);
  if (tool) {
    const input = argumentsFor(tool.schema);
    const json = JSON.stringify(input);
    return {
      pieces: [],
      tool: { name: tool.name, input, json },
      stop: 'tool',
      inputTokens: req.inputTokens,
      outputTokens: 8 + Math.ceil(json.length / 4),
    };
  }
  const wanted = random.int(behaviour.outputTokens.min, behaviour.outputTokens.max);
  const cut = req.maxTokens !== undefined && req.maxTokens < wanted;
  const count = cut ? req.maxTokens! : wanted;
  return {
    pieces: loremTokens(random, count),
    tool: undefined,
    stop: cut ? 'length' : 'end',
    inputTokens: req.inputTokens,
    outputTokens: count,
  };
}

function chooseTool(req: MockRequest, behaviour: Behaviour): ToolDef | undefined {
  const first = req.tools[0];
  const choice = req.toolChoice;
  if (!first || choice.mode === 'none') return undefined;
  if (choice.mode === 'named') return req.tools.find((t) => t.name === choice.name) ?? first;
  if (choice.mode === 'any') return first;
  if (req.endsWithToolResult) return undefined;
  return behaviour.toolCall || TOOL_TRIGGER.test(req.lastUserText) ? first : undefined;
}

/** Placeholder arguments: each required property of the schema, with a value of its type. */
function argumentsFor(schema: unknown): Record<string, unknown> {
  const s = (schema ?? {}) as {
    properties?: Record<string, { type?: unknown }>;
    required?: unknown;
  };
  const required = Array.isArray(s.required) ? (s.required as string[]) : [];
  const out: Record<string, unknown> = {};
  for (const key of required) out[key] = placeholder(s.properties?.[key]?.type);
  return out;
}

function placeholder(type: unknown): unknown {
  switch (Array.isArray(type) ? type[0] : type) {
    case 'integer':
    case 'number':
      return 1;
    case 'boolean':
      return true;
    case 'array':
      return [];
    case 'object':
      return {};
    case 'null':
      return null;
    default:
      return 'mock';
  }
}
