/**
 * Tool-call arguments across dialects: OpenAI sends them as a JSON string exactly as the model
 * wrote it (it may be invalid), Anthropic as a parsed object (`tool_use.input`, which must be an
 * object).
 *
 * Invalid arguments: a string that is not a JSON object (bad JSON, or JSON of another type) is
 * neither rejected nor emptied: it travels as `{ [RAW_ARGUMENTS_KEY]: "<the string>" }`, so the
 * Anthropic request stays valid, the model still sees what was called, and the way back restores
 * the original string exactly. An empty or blank string (some models send it for a tool without
 * parameters) is `{}`.
 */

/** The one key of a `tool_use.input` that wraps OpenAI arguments that were not a JSON object. */
export const RAW_ARGUMENTS_KEY = '_breakwater_raw_arguments';

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** OpenAI `function.arguments` → Anthropic `tool_use.input` (see the module comment). */
export function parseToolArguments(raw: string): Record<string, unknown> {
  if (raw.trim() === '') return {};
  try {
    const parsed: unknown = JSON.parse(raw);
    if (isPlainObject(parsed)) return parsed;
  } catch {
    // Falls through to the wrapper: the string is kept, not lost.
  }
  return { [RAW_ARGUMENTS_KEY]: raw };
}

/** Anthropic `tool_use.input` → OpenAI `function.arguments`, unwrapping a raw-arguments wrapper. */
export function stringifyToolInput(input: unknown): string {
  if (isPlainObject(input)) {
    const keys = Object.keys(input);
    const raw = input[RAW_ARGUMENTS_KEY];
    if (keys.length === 1 && typeof raw === 'string') return raw;
  }
  return JSON.stringify(input ?? {});
}
