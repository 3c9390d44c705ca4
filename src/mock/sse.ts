/**
 * Server-sent event frames as the providers write them: OpenAI data-only, Anthropic with an
 * `event:` line whose name matches the data's `type`. A frame carries how many output tokens it
 * holds, so the responder can pace it by `perTokenMs`.
 */

export interface Frame {
  text: string;
  /** Output tokens this frame delivers (0 for bookkeeping frames). */
  tokens: number;
}

export function dataFrame(data: unknown, tokens = 0): Frame {
  const payload = typeof data === 'string' ? data : JSON.stringify(data);
  return { text: `data: ${payload}\n\n`, tokens };
}

export function eventFrame(event: string, data: unknown, tokens = 0): Frame {
  const payload = typeof data === 'string' ? data : JSON.stringify(data);
  return { text: `event: ${event}\ndata: ${payload}\n\n`, tokens };
}

/** Splits JSON text into small fragments, the way tool arguments arrive in a stream. */
export function fragments(text: string, size = 12): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}
