/**
 * Scrubs keys out of text a provider sent back (OpenAI's 401 message echoes part of the key)
 * before it is put into an error message, a log line or a client answer: anything shaped like an
 * API key (`sk-…`, `Bearer …`, `x-api-key=…`), and every key value this process holds, whatever
 * its shape (secret-values.ts).
 */
import { scrubSecretValues } from './secret-values.ts';

const KEY_PATTERNS: readonly RegExp[] = [
  /\bsk-(?:ant-|proj-|svcacct-|admin-)?[A-Za-z0-9_*.-]{6,}/g,
  /\b(?:Bearer|bearer)\s+[A-Za-z0-9._~+/=-]{8,}/g,
  /\bx-api-key\s*[:=]\s*\S+/gi,
];

export function redactSecrets(text: string): string {
  let out = scrubSecretValues(text);
  for (const pattern of KEY_PATTERNS) out = out.replace(pattern, '[redacted]');
  return out;
}
