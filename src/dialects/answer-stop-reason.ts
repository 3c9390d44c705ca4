/** Why an answer stopped, read from a whole answer in either dialect. */

/** `finish_reason` of an OpenAI answer's first choice, or an Anthropic answer's `stop_reason`. */
export function stopReasonOf(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const answer = body as { stop_reason?: unknown; choices?: { finish_reason?: unknown }[] };
  const reason = Array.isArray(answer.choices)
    ? answer.choices[0]?.finish_reason
    : answer.stop_reason;
  return typeof reason === 'string' ? reason : undefined;
}
