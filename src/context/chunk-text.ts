/**
 * `chunkText`: a long text split into pieces that each fit a token budget, cut where a reader
 * would cut — between paragraphs, then between sentences, then between words, and only inside a
 * word that is itself longer than the budget. Counted in the model's own tokens (text-tokenizer.ts),
 * not characters. With `overlap`, each chunk after the first begins with the last words of the one
 * before, so a fact cut in two is still whole in one of them.
 *
 * Without overlap the chunks joined give back the text exactly: separators stay with the piece
 * they end.
 */
import { textTokenizer } from '../tokens/text-tokenizer.ts';
import type { Tokenizer } from '../tokens/tokenizer.ts';

export interface ChunkTextOptions {
  /** The most tokens a chunk may hold (overlap included). */
  maxTokens: number;
  /** Tokens of the previous chunk's end repeated at the start of the next. @default 0 */
  overlap?: number;
  /** Whose tokens to count in. @default 'gpt-4o' (o200k_base) */
  model?: string;
}

const DEFAULT_MODEL = 'gpt-4o';

/** The boundaries tried in order; each keeps the separator at the end of the piece before it. */
const PARAGRAPHS = /(?<=\n[ \t]*\n)(?=[^\n])/;
const sentenceSegmenter = new Intl.Segmenter('en', { granularity: 'sentence' });
const WORDS = /(?<=\s)(?=\S)/;

function sentences(text: string): string[] {
  return Array.from(sentenceSegmenter.segment(text), (s) => s.segment);
}

const LEVELS: readonly ((text: string) => string[])[] = [
  (text) => text.split(PARAGRAPHS),
  sentences,
  (text) => text.split(WORDS),
];

/** The longest prefix of `text` within `budget` tokens (at least one code point). */
function fittingPrefix(text: string, budget: number, t: Tokenizer): number {
  let low = 1;
  let high = text.length;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (t.count(text.slice(0, mid)) <= budget) low = mid;
    else high = mid - 1;
  }
  // Never split a surrogate pair.
  const code = text.charCodeAt(low - 1);
  if (code >= 0xd800 && code <= 0xdbff && low < text.length) low += low > 1 ? -1 : 1;
  return low;
}

/** A run with no boundary left to cut at, cut by tokens. */
function hardSplit(text: string, budget: number, t: Tokenizer): string[] {
  const out: string[] = [];
  let rest = text;
  while (rest) {
    const n = t.count(rest) <= budget ? rest.length : fittingPrefix(rest, budget, t);
    out.push(rest.slice(0, n));
    rest = rest.slice(n);
  }
  return out;
}

function split(text: string, level: number, budget: number, t: Tokenizer): string[] {
  if (t.count(text) <= budget) return [text];
  const cut = LEVELS[level];
  if (!cut) return hardSplit(text, budget, t);
  const pieces = cut(text);
  if (pieces.length < 2) return split(text, level + 1, budget, t);
  const chunks: string[] = [];
  let current = '';
  let currentTokens = 0;
  const flush = () => {
    if (!current) return;
    // BPE counts of parts need not add up exactly: check the joined text, cut finer if over.
    if (t.count(current) <= budget) chunks.push(current);
    else chunks.push(...split(current, level + 1, budget, t));
    current = '';
    currentTokens = 0;
  };
  for (const piece of pieces) {
    const tokens = t.count(piece);
    if (tokens > budget) {
      flush();
      chunks.push(...split(piece, level + 1, budget, t));
      continue;
    }
    if (currentTokens + tokens > budget) flush();
    current += piece;
    currentTokens += tokens;
  }
  flush();
  return chunks;
}

/** The last words of `text` within `budget` tokens. */
function tail(text: string, budget: number, t: Tokenizer): string {
  const words = text.split(WORDS);
  let out = '';
  for (let i = words.length - 1; i >= 0; i--) {
    const next = words[i] + out;
    if (t.count(next) > budget) break;
    out = next;
  }
  return out;
}

function checkOptions(options: ChunkTextOptions): void {
  const { maxTokens, overlap = 0 } = options;
  if (!Number.isSafeInteger(maxTokens) || maxTokens < 1) {
    throw new TypeError(`Expected \`maxTokens\` to be a positive integer, got ${maxTokens}`);
  }
  if (!Number.isSafeInteger(overlap) || overlap < 0 || overlap >= maxTokens) {
    throw new TypeError(
      `Expected \`overlap\` to be an integer from 0 to maxTokens - 1 (${maxTokens - 1}), got ${overlap}`,
    );
  }
}

/** `text` in chunks of at most `maxTokens` tokens each; `[]` for an empty text. */
export function chunkText(text: string, options: ChunkTextOptions): string[] {
  checkOptions(options);
  if (text === '') return [];
  const t = textTokenizer(options.model ?? DEFAULT_MODEL);
  const overlap = options.overlap ?? 0;
  const chunks = split(text, 0, options.maxTokens - overlap, t);
  if (overlap === 0) return chunks;
  return chunks.map((chunk, i) => {
    if (i === 0) return chunk;
    const joined = tail(chunks[i - 1]!, overlap, t) + chunk;
    // Rare: the join tokenises longer than its parts; keep the chunk whole, drop the overlap.
    return t.count(joined) <= options.maxTokens ? joined : chunk;
  });
}
