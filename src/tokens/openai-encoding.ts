/**
 * OpenAI's BPE encodings (gpt-tokenizer, a pure-JS port of tiktoken) and which model uses which,
 * following tiktoken's own `model.py`: `o200k_base` for gpt-4o, gpt-4.1, gpt-4.5, gpt-5*, the
 * o-series and chatgpt-4o; `cl100k_base` for gpt-4, gpt-3.5-turbo and the embedding models.
 * gpt-oss uses `o200k_harmony`, whose plain-text counts equal `o200k_base`'s.
 *
 * An encoding's merge table is slow and large to load (docs/limits.md), so it is loaded on first
 * use (synchronously, from the package's CommonJS build) and never at import time: a gateway
 * that only talks to Anthropic never pays for it.
 *
 * BPE's cost grows with the square of a word's length, and counting runs on every request, so a
 * client must not be able to stall the gateway with one long word: a run of more than
 * `MAX_RUN_CHARS` characters without white space is counted in slices of that size (off by at
 * most a token per slice, only for such runs — real text stays exact), and a text longer than
 * `MAX_EXACT_CHARS` is estimated from its length (4 characters a token); the limiter only needs
 * an estimate there, and the provider's usage corrects it afterwards.
 */
import { createRequire } from 'node:module';
import type { Tokenizer } from './tokenizer.ts';

export type OpenAIEncodingName = 'o200k_base' | 'cl100k_base';

interface EncodingModule {
  countTokens(text: string, options?: { disallowedSpecial?: Set<string> }): number;
}

const require = createRequire(import.meta.url);
const loaded = new Map<OpenAIEncodingName, EncodingModule>();
/** User text is never allowed to contain special tokens: `<|endoftext|>` is counted as text. */
const PLAIN_TEXT = Object.freeze({ disallowedSpecial: new Set<string>() });

function load(name: OpenAIEncodingName): EncodingModule {
  let mod = loaded.get(name);
  if (!mod) {
    mod = require(`gpt-tokenizer/cjs/encoding/${name}`) as EncodingModule;
    loaded.set(name, mod);
  }
  return mod;
}

/** Model-name prefixes, checked in order: the more specific `gpt-4o` before `gpt-4`. */
const PREFIXES: readonly (readonly [string, OpenAIEncodingName])[] = [
  ['gpt-5', 'o200k_base'],
  ['gpt-4.1', 'o200k_base'],
  ['gpt-4.5', 'o200k_base'],
  ['gpt-4o', 'o200k_base'],
  ['chatgpt-4o', 'o200k_base'],
  ['gpt-oss', 'o200k_base'],
  ['codex-', 'o200k_base'],
  ['o1', 'o200k_base'],
  ['o3', 'o200k_base'],
  ['o4', 'o200k_base'],
  ['gpt-4', 'cl100k_base'],
  ['gpt-3.5', 'cl100k_base'],
  ['gpt-35', 'cl100k_base'],
  ['text-embedding-', 'cl100k_base'],
  ['davinci-002', 'cl100k_base'],
  ['babbage-002', 'cl100k_base'],
];

/**
 * The encoding `model` uses, and whether the model is known. Fine-tuned names (`ft:gpt-4o:…`)
 * use their base model's. Unknown models get `o200k_base`, as tiktoken's cookbook does.
 */
export function encodingForModel(model: string): { encoding: OpenAIEncodingName; known: boolean } {
  const name = (model.startsWith('ft:') ? model.slice(3) : model).toLowerCase();
  for (const [prefix, encoding] of PREFIXES) {
    if (name.startsWith(prefix)) return { encoding, known: true };
  }
  return { encoding: 'o200k_base', known: false };
}

export const MAX_RUN_CHARS = 256;
export const MAX_EXACT_CHARS = 262_144;
const LONG_RUN = new RegExp(`(\\S{${MAX_RUN_CHARS + 1},})`);

/** Counts `text`, bounded in time for pathological input (see the module comment). */
function boundedCount(mod: EncodingModule, text: string): number {
  if (text.length > MAX_EXACT_CHARS) return Math.ceil(text.length / 4);
  if (!LONG_RUN.test(text)) return mod.countTokens(text, PLAIN_TEXT);
  let total = 0;
  for (const piece of text.split(LONG_RUN)) {
    if (piece.length <= MAX_RUN_CHARS || /\s/.test(piece)) {
      if (piece) total += mod.countTokens(piece, PLAIN_TEXT);
      continue;
    }
    for (let i = 0; i < piece.length; i += MAX_RUN_CHARS) {
      total += mod.countTokens(piece.slice(i, i + MAX_RUN_CHARS), PLAIN_TEXT);
    }
  }
  return total;
}

const tokenizers = new Map<OpenAIEncodingName, Tokenizer>();

/** A `Tokenizer` over one OpenAI encoding; the merge table loads on the first `count`. */
export function openaiTokenizer(encoding: OpenAIEncodingName): Tokenizer {
  let tokenizer = tokenizers.get(encoding);
  if (!tokenizer) {
    tokenizer = Object.freeze({
      name: encoding,
      exact: true,
      count: (text: string) => (text ? boundedCount(load(encoding), text) : 0),
    });
    tokenizers.set(encoding, tokenizer);
  }
  return tokenizer;
}

/** The tokenizer for an OpenAI model (o200k_base when the model is unknown). */
export function tokenizerForModel(model: string): Tokenizer {
  return openaiTokenizer(encodingForModel(model).encoding);
}
