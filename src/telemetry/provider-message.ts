/**
 * A provider's error message as logs and spans may carry it. Providers sometimes quote what they
 * were sent ("Invalid value: '…'") or part of the key they were given, so the text is cut down
 * before it is written: anything that looks like a key is redacted, every quoted run longer than
 * a few words is replaced by `"…"`, and the rest is cut at 200 characters.
 */
import { redactSecrets } from '../errors/redact-secrets.ts';

const MAX_CHARS = 200;
const QUOTED = /(["'`])(?:(?!\1).){24,}?\1/gs;

export function safeProviderMessage(message: string | undefined): string | undefined {
  if (message === undefined || message === '') return undefined;
  const text = redactSecrets(message).replace(QUOTED, '$1…$1');
  return text.length > MAX_CHARS ? `${text.slice(0, MAX_CHARS - 1)}…` : text;
}
