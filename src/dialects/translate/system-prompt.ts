/**
 * System prompts across dialects. OpenAI spreads them over `system` / `developer` messages (each
 * a string or text parts); Anthropic has one top-level `system` (a string or text blocks). One
 * rule both ways: every piece, in order, joined with a blank line (`\n\n`), always giving a
 * string (a single system message on the OpenAI side). A one-piece prompt round-trips exactly;
 * several pieces concatenate.
 */

export const SYSTEM_SEPARATOR = '\n\n';

/** The text of a string or of text parts / blocks (other kinds are skipped), pieces joined. */
export function systemText(content: string | ReadonlyArray<{ type: string }>): string {
  if (typeof content === 'string') return content;
  const pieces: string[] = [];
  for (const part of content) {
    const text = (part as { text?: unknown }).text;
    if (typeof text === 'string' && text !== '') pieces.push(text);
  }
  return pieces.join(SYSTEM_SEPARATOR);
}
