/**
 * What tool (function) definitions add to an OpenAI prompt, by the OpenAI Cookbook's
 * `num_tokens_for_tools` ("How to count tokens with tiktoken", §7): each function costs a
 * fixed opening plus `name:description`, each property `key:type:description`, each enum item
 * its text, and the list a fixed closing. The constants differ by encoding (gpt-4o-class models
 * open a function with 7 tokens, gpt-4 / gpt-3.5 with 10); the cookbook checked them against the
 * API's `usage.prompt_tokens` (its example: 101 tokens for gpt-4o, 105 for gpt-4).
 *
 * The cookbook covers flat parameter schemas. Nested objects and array items are beyond it:
 * their schema JSON is counted as text, an estimate.
 */
import type { OpenAIEncodingName } from './openai-encoding.ts';
import type { Tokenizer } from './tokenizer.ts';

type Json = Record<string, unknown>;

interface ToolConstants {
  funcInit: number;
  propInit: number;
  propKey: number;
  enumInit: number;
  enumItem: number;
  funcEnd: number;
}

const SHARED = { propInit: 3, propKey: 3, enumInit: -3, enumItem: 3, funcEnd: 12 };
const CONSTANTS: Readonly<Record<OpenAIEncodingName, ToolConstants>> = Object.freeze({
  o200k_base: { funcInit: 7, ...SHARED },
  cl100k_base: { funcInit: 10, ...SHARED },
});

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const withoutFinalDot = (text: string) => (text.endsWith('.') ? text.slice(0, -1) : text);

/** The function object of a `tools` entry (`{type:'function', function}`) or a legacy `functions` entry. */
function functionOf(tool: unknown): Json | undefined {
  if (!isObject(tool)) return undefined;
  if (isObject(tool.function)) return tool.function;
  return typeof tool.name === 'string' ? tool : undefined;
}

function propertyTokens(key: string, prop: unknown, k: ToolConstants, t: Tokenizer): number {
  let tokens = k.propKey;
  const p = isObject(prop) ? prop : {};
  if (Array.isArray(p.enum)) {
    tokens += k.enumInit;
    for (const item of p.enum) tokens += k.enumItem + t.count(String(item));
  }
  const type = Array.isArray(p.type) ? p.type.join('|') : String(p.type ?? '');
  const description = typeof p.description === 'string' ? withoutFinalDot(p.description) : '';
  tokens += t.count(`${key}:${type}:${description}`);
  // Beyond the cookbook: nested shapes counted as their JSON text.
  if (isObject(p.properties)) tokens += t.count(JSON.stringify(p.properties));
  if (p.items !== undefined) tokens += t.count(JSON.stringify(p.items));
  return tokens;
}

/** Tokens the tool definitions add to the prompt; 0 without any. */
export function countOpenAITools(
  tools: unknown,
  encoding: OpenAIEncodingName,
  tokenizer: Tokenizer,
): number {
  if (!Array.isArray(tools) || tools.length === 0) return 0;
  const k = CONSTANTS[encoding];
  let tokens = 0;
  for (const tool of tools) {
    const fn = functionOf(tool);
    if (!fn) {
      // A non-function tool (custom, built-in): its JSON as text.
      tokens += tokenizer.count(JSON.stringify(tool));
      continue;
    }
    tokens += k.funcInit;
    const description = typeof fn.description === 'string' ? withoutFinalDot(fn.description) : '';
    tokens += tokenizer.count(`${String(fn.name ?? '')}:${description}`);
    const parameters = isObject(fn.parameters) ? fn.parameters : {};
    const properties = isObject(parameters.properties) ? parameters.properties : {};
    const keys = Object.keys(properties);
    if (keys.length > 0) {
      tokens += k.propInit;
      for (const key of keys) tokens += propertyTokens(key, properties[key], k, tokenizer);
    }
  }
  return tokens + k.funcEnd;
}
