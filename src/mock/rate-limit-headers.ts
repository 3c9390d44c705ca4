/**
 * Rate-limit header values in each provider's format: OpenAI's resets are Go duration strings
 * (`1s`, `6m0s`, `20ms`, `1.5s`), Anthropic's are RFC 3339 instants with whole seconds, and
 * Anthropic rounds every `*-tokens-remaining` to the nearest thousand (provider-wire.md §2).
 */

/** A duration the way Go's `time.Duration.String()` prints it, at millisecond precision. */
export function goDuration(ms: number): string {
  const whole = Math.max(0, Math.ceil(ms));
  if (whole === 0) return '0s';
  if (whole < 1000) return `${whole}ms`;
  const hours = Math.floor(whole / 3_600_000);
  const minutes = Math.floor((whole % 3_600_000) / 60_000);
  const seconds = `${Number(((whole % 60_000) / 1000).toFixed(3))}s`;
  if (hours > 0) return `${hours}h${minutes}m${seconds}`;
  if (minutes > 0) return `${minutes}m${seconds}`;
  return seconds;
}

/** An instant as RFC 3339 with whole seconds (rounded up): `2025-08-21T12:40:59Z`. */
export function rfc3339(epochMs: number): string {
  return new Date(Math.ceil(epochMs / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

export function roundToThousand(tokens: number): number {
  return Math.round(Math.max(0, tokens) / 1000) * 1000;
}
