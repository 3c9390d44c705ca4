/**
 * Cutting a stored answer's text into stream pieces, for replaying it to a streaming caller (each
 * dialect's `replay.ts`). Text is cut into word-aligned pieces of about `pieceChars` characters,
 * so a client sees a stream rather than one burst, at no real cost.
 */

export interface ReplayOptions {
  /** OpenAI: end with a usage chunk (`choices: []`), as `stream_options.include_usage` asks. */
  includeUsage?: boolean;
  /** Rough length of each text piece. @default 32 */
  pieceChars?: number;
}

export const DEFAULT_PIECE_CHARS = 32;

/**
 * `text` cut into pieces of at least `size` characters, each ending before whitespace when there
 * is some within another `size` characters (as tokens do), else after exactly `size` (compact
 * JSON), never inside a surrogate pair.
 * `[]` for `''`.
 */
export function splitText(text: string, size = DEFAULT_PIECE_CHARS): string[] {
  const step = Math.max(1, Math.floor(size));
  const pieces: string[] = [];
  let start = 0;
  while (start < text.length) {
    const min = Math.min(text.length, start + step);
    const limit = Math.min(text.length, min + step);
    let end = min;
    while (end < limit && !WHITESPACE.test(text.charAt(end))) end++;
    if (end === limit && end < text.length) end = min; // one long word: cut it at `size`
    const code = text.charCodeAt(end);
    if (code >= 0xdc00 && code <= 0xdfff) end++;
    pieces.push(text.slice(start, end));
    start = end;
  }
  return pieces;
}

const WHITESPACE = /\s/;
