/**
 * The prompt tokens of an OpenAI Chat Completions request, by the OpenAI Cookbook's
 * `num_tokens_from_messages` (provider-wire.md §7): every message costs 3 tokens of framing
 * plus the tokens of each of its string fields (role, content, name, …), a `name` one more, and
 * the reply is primed with 3 (`<|start|>assistant<|message|>`). Tool definitions add what
 * `countOpenAITools` says. For text messages this is exact: it matches the API's own
 * `usage.prompt_tokens` on the cookbook's examples (124 tokens for gpt-4o, 129 for gpt-4).
 *
 * What the cookbook does not cover is estimated and says so in `OpenAIPromptCount.exact`:
 * images (85 at low detail, else 765 — a 768×768 image's four tiles), audio and files, tool calls
 * in assistant messages and `response_format` schemas (their JSON counted as text).
 */

import { encodingForModel, openaiTokenizer } from './openai-encoding.ts';
import { countOpenAITools } from './openai-tool-tokens.ts';
import type { Tokenizer } from './tokenizer.ts';

type Json = Record<string, unknown>;

const PER_MESSAGE = 3;
const PER_NAME = 1;
const REPLY_PRIMING = 3;
const IMAGE_LOW = 85;
const IMAGE_DEFAULT = 765;
/** An audio or file part whose length cannot be known before the call. */
const OPAQUE_PART = 1000;

export interface OpenAIPromptCount {
  tokens: number;
  /** `false` when part of the count is an estimate (images, tool calls, an unknown model). */
  exact: boolean;
}

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

class Counter {
  tokens = 0;
  exact = true;
  readonly #t: Tokenizer;

  constructor(tokenizer: Tokenizer) {
    this.#t = tokenizer;
  }

  text(value: string): void {
    this.tokens += this.#t.count(value);
  }

  estimate(tokens: number): void {
    this.tokens += tokens;
    this.exact = false;
  }

  json(value: unknown): void {
    this.estimate(this.#t.count(JSON.stringify(value) ?? ''));
  }

  part(part: unknown): void {
    if (!isObject(part)) return;
    if (typeof part.text === 'string') this.text(part.text);
    else if (typeof part.refusal === 'string') this.text(part.refusal);
    else if (part.type === 'image_url') {
      const detail = isObject(part.image_url) ? part.image_url.detail : undefined;
      this.estimate(detail === 'low' ? IMAGE_LOW : IMAGE_DEFAULT);
    } else this.estimate(OPAQUE_PART);
  }

  message(message: unknown): void {
    this.tokens += PER_MESSAGE;
    if (!isObject(message)) return;
    for (const [key, value] of Object.entries(message)) {
      if (value === null || value === undefined) continue;
      if (typeof value === 'string') {
        this.text(value);
        if (key === 'name') this.tokens += PER_NAME;
      } else if (key === 'content' && Array.isArray(value)) {
        for (const part of value) this.part(part);
      } else if (key === 'tool_calls' && Array.isArray(value)) {
        for (const call of value) {
          const fn = isObject(call) && isObject(call.function) ? call.function : undefined;
          if (!fn) this.json(call);
          else this.estimate(PER_MESSAGE + this.#count(fn.name) + this.#count(fn.arguments));
        }
      } else this.json(value);
    }
  }

  #count(value: unknown): number {
    return typeof value === 'string' ? this.#t.count(value) : 0;
  }
}

/**
 * Prompt tokens of `request` (a Chat Completions body) for `model` (default: the body's own).
 * `tokenizer` overrides the model's encoding (tests, or a compatible provider's own BPE).
 */
export function countOpenAIPrompt(
  request: Json,
  options: { model?: string; tokenizer?: Tokenizer } = {},
): OpenAIPromptCount {
  const model = options.model ?? (typeof request.model === 'string' ? request.model : '');
  const { encoding, known } = encodingForModel(model);
  const tokenizer = options.tokenizer ?? openaiTokenizer(encoding);
  const counter = new Counter(tokenizer);
  if (!known && !options.tokenizer) counter.exact = false;
  if (Array.isArray(request.messages)) {
    for (const message of request.messages) counter.message(message);
  }
  counter.tokens += REPLY_PRIMING;
  const tools = countOpenAITools(request.tools ?? request.functions, encoding, tokenizer);
  counter.tokens += tools;
  const format = isObject(request.response_format) ? request.response_format : undefined;
  if (format && format.type === 'json_schema') counter.json(format.json_schema);
  return { tokens: counter.tokens, exact: counter.exact };
}
