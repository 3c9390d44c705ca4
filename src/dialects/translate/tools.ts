/**
 * Tool definitions and tool choice across dialects.
 *
 * Definitions: OpenAI `{type:'function', function:{name, description, parameters}}` ↔ Anthropic
 * `{name, description, input_schema}`. A function without `parameters` gets the empty object
 * schema Anthropic requires. `strict: true` has no Anthropic counterpart and is warned about
 * (the schema is no longer enforced); Anthropic `strict` crosses the other way. OpenAI `custom`
 * (free-text) tools and Anthropic server tools (`web_search_…`, `bash_…`: any `type` other than
 * `custom`) cannot cross and are dropped with a warning. `cache_control` is dropped quietly
 * (OpenAI caches prompts by itself).
 *
 * Choice: `auto` ↔ `auto`, `required` ↔ `any`, a named function ↔ `{type:'tool', name}`,
 * `none` ↔ `{type:'none'}` (the tools stay defined: Anthropic wants them whenever the history
 * holds tool calls). `parallel_tool_calls: false` ↔ `disable_parallel_tool_use: true`, which
 * lives on the Anthropic choice, so it brings an explicit `{type:'auto'}` when none was given.
 * OpenAI `allowed_tools` keeps only the listed tools and maps its mode (`auto`/`required`).
 */
import { RejectedError } from '../../errors/index.ts';
import type { AnthropicTool, AnthropicToolChoice } from '../anthropic/types.ts';
import type { ChatFunctionTool, ChatTool, ChatToolChoice } from '../openai/types.ts';
import type { TranslationWarning } from './warnings.ts';

const EMPTY_SCHEMA = { type: 'object', properties: {} } as const;

/** OpenAI `tools` → Anthropic `tools`; undefined when none survive. */
export function toAnthropicTools(
  tools: readonly ChatTool[] | undefined,
  warnings: TranslationWarning[],
): AnthropicTool[] | undefined {
  if (!tools?.length) return undefined;
  const out: AnthropicTool[] = [];
  tools.forEach((tool, i) => {
    if (tool.type !== 'function') {
      warnings.push({
        field: `tools[${i}]`,
        reason: `an OpenAI ${String(tool.type)} tool has no Anthropic counterpart; dropped`,
      });
      return;
    }
    const fn = tool.function;
    const schema = fn.parameters ?? EMPTY_SCHEMA;
    const converted: AnthropicTool = {
      name: fn.name,
      input_schema: { ...schema, type: 'object' },
    };
    if (fn.description !== undefined) converted.description = fn.description;
    if (fn.strict === true) {
      warnings.push({
        field: `tools[${i}].function.strict`,
        reason: 'strict schema adherence has no Anthropic counterpart; arguments are not enforced',
      });
    }
    out.push(converted);
  });
  return out.length ? out : undefined;
}

/** Anthropic `tools` → OpenAI `tools`; undefined when none survive. */
export function toOpenAITools(
  tools: readonly AnthropicTool[] | undefined,
  warnings: TranslationWarning[],
): ChatFunctionTool[] | undefined {
  if (!tools?.length) return undefined;
  const out: ChatFunctionTool[] = [];
  tools.forEach((tool, i) => {
    if (tool.type !== undefined && tool.type !== 'custom') {
      warnings.push({
        field: `tools[${i}]`,
        reason: `the Anthropic server tool ${tool.type} has no OpenAI counterpart; dropped`,
      });
      return;
    }
    const fn: ChatFunctionTool['function'] = { name: tool.name, parameters: tool.input_schema };
    if (tool.description !== undefined) fn.description = tool.description;
    if (typeof tool.strict === 'boolean') fn.strict = tool.strict;
    out.push({ type: 'function', function: fn });
  });
  return out.length ? out : undefined;
}

/** The names an OpenAI `allowed_tools` choice lets through. */
function allowedNames(entries: readonly unknown[]): Set<string> {
  const names = new Set<string>();
  for (const entry of entries) {
    const name = (entry as { function?: { name?: unknown } } | null)?.function?.name;
    if (typeof name === 'string') names.add(name);
  }
  return names;
}

/**
 * OpenAI `tool_choice` + `parallel_tool_calls` → Anthropic `tool_choice`, applied to the
 * translated tools (`allowed_tools` narrows them). Returns the tools to send with it.
 */
export function toAnthropicToolChoice(
  choice: ChatToolChoice | null | undefined,
  parallelToolCalls: boolean | undefined,
  tools: AnthropicTool[] | undefined,
  warnings: TranslationWarning[],
): { tools: AnthropicTool[] | undefined; toolChoice: AnthropicToolChoice | undefined } {
  if (!tools) return { tools, toolChoice: undefined };
  let toolChoice: Exclude<AnthropicToolChoice, { type: 'none' }> | undefined;
  let kept = tools;
  // `null` is how some clients write "not set".
  if (choice === null) choice = undefined;
  if (choice === 'none') return { tools, toolChoice: { type: 'none' } };
  if (choice === 'auto') toolChoice = { type: 'auto' };
  else if (choice === 'required') toolChoice = { type: 'any' };
  else if (choice?.type === 'function') {
    const name = (choice as { function?: { name?: unknown } }).function?.name;
    if (typeof name !== 'string' || name === '') {
      throw new RejectedError(
        'validation',
        '`tool_choice.function.name` must name one of `tools` (e.g. {"type":"function","function":{"name":"get_weather"}})',
        { param: 'tool_choice.function.name' },
      );
    }
    toolChoice = { type: 'tool', name };
  } else if (choice?.type === 'allowed_tools') {
    const names = allowedNames(choice.allowed_tools.tools);
    kept = tools.filter((tool) => names.has(tool.name));
    toolChoice = { type: choice.allowed_tools.mode === 'required' ? 'any' : 'auto' };
  } else if (choice !== undefined) {
    warnings.push({
      field: 'tool_choice',
      reason: `an OpenAI ${String((choice as { type?: unknown }).type)} tool choice has no Anthropic counterpart; left to the model (auto)`,
    });
  }
  if (parallelToolCalls === false) {
    toolChoice = { ...(toolChoice ?? { type: 'auto' }), disable_parallel_tool_use: true };
  }
  return {
    tools: kept.length ? kept : undefined,
    toolChoice: kept.length ? toolChoice : undefined,
  };
}

/** Anthropic `tool_choice` → OpenAI `tool_choice` and `parallel_tool_calls`. */
export function toOpenAIToolChoice(choice: AnthropicToolChoice | undefined): {
  toolChoice: ChatToolChoice | undefined;
  parallelToolCalls: boolean | undefined;
} {
  if (!choice) return { toolChoice: undefined, parallelToolCalls: undefined };
  if (choice.type === 'none') return { toolChoice: 'none', parallelToolCalls: undefined };
  const toolChoice: ChatToolChoice =
    choice.type === 'any'
      ? 'required'
      : choice.type === 'tool'
        ? { type: 'function', function: { name: choice.name } }
        : 'auto';
  const parallelToolCalls = choice.disable_parallel_tool_use === true ? false : undefined;
  return { toolChoice, parallelToolCalls };
}
