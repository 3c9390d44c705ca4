/**
 * A rough input-token estimate for simulated usage and rate limits: a quarter token per
 * character of message text, plus OpenAI's cookbook overhead (3 per message, 3 to prime the
 * reply). Both providers only promise estimates before the call, so a cheap one will do here.
 */

type Json = Record<string, unknown>;

const PER_MESSAGE = 3;
const REPLY_PRIMING = 3;
/** What a non-text block (image, document) counts for. */
const MEDIA_BLOCK = 85;

/** Characters of text in a content value: a string or a list of blocks (either dialect). */
export function contentChars(content: unknown): { chars: number; media: number } {
  if (typeof content === 'string') return { chars: content.length, media: 0 };
  if (!Array.isArray(content)) return { chars: 0, media: 0 };
  let chars = 0;
  let media = 0;
  for (const block of content as Json[]) {
    if (typeof block !== 'object' || block === null) continue;
    if (typeof block.text === 'string') chars += block.text.length;
    else if (block.type === 'tool_use') chars += JSON.stringify(block.input ?? {}).length;
    else if (block.type === 'tool_result') chars += contentChars(block.content).chars;
    else media++;
  }
  return { chars, media };
}

export function estimateInputTokens(body: Json): number {
  let chars = 0;
  let media = 0;
  let messages = 0;
  const add = (content: unknown) => {
    const c = contentChars(content);
    chars += c.chars;
    media += c.media;
  };
  if (body.system !== undefined) {
    add(body.system);
    messages++;
  }
  if (Array.isArray(body.messages)) {
    for (const message of body.messages as Json[]) {
      messages++;
      if (typeof message !== 'object' || message === null) continue;
      add(message.content);
      if (Array.isArray(message.tool_calls)) chars += JSON.stringify(message.tool_calls).length;
    }
  }
  if (Array.isArray(body.tools)) chars += JSON.stringify(body.tools).length;
  return Math.ceil(chars / 4) + media * MEDIA_BLOCK + messages * PER_MESSAGE + REPLY_PRIMING;
}
