/**
 * Prompt and answer text for the request line — only when the operator opts in with
 * `telemetry.logs.content.enabled`, and always cut to `maxChars`. Content is the users' data:
 * off by default, it is the one place text from a request may reach a log. The prompt is the
 * last message's text; the answer is the first choice's (OpenAI) or the text blocks (Anthropic).
 * A streamed answer's text is not gathered (its line carries the prompt only).
 */

function truncate(text: string, maxChars: number): string {
  return text.length > maxChars ? `${text.slice(0, maxChars)}…` : text;
}

/** The text of a message `content`: a string, or the `text` of its text parts. */
function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  let text = '';
  for (const part of content) {
    if (typeof part === 'object' && part !== null && typeof part.text === 'string') {
      text += text === '' ? part.text : `\n${part.text}`;
    }
  }
  return text;
}

export function promptExcerpt(body: Record<string, unknown>, maxChars: number): string | undefined {
  const messages = body.messages;
  if (!Array.isArray(messages) || messages.length === 0) return undefined;
  const last = messages[messages.length - 1] as { content?: unknown } | undefined;
  const text = textOf(last?.content);
  return text === '' ? undefined : truncate(text, maxChars);
}

export function completionExcerpt(answer: unknown, maxChars: number): string | undefined {
  if (typeof answer !== 'object' || answer === null) return undefined;
  const { choices, content } = answer as {
    choices?: { message?: { content?: unknown } }[];
    content?: unknown;
  };
  const text = Array.isArray(choices) ? textOf(choices[0]?.message?.content) : textOf(content);
  return text === '' ? undefined : truncate(text, maxChars);
}
