/**
 * The API key a request carries: OpenAI reads `Authorization: Bearer`; Anthropic reads
 * `x-api-key`, or a bearer token. Checked only when the scenario lists `apiKeys`.
 */

import type { IncomingMessage } from 'node:http';
import type { Dialect } from './scenario.ts';

export function apiKeyOf(req: IncomingMessage, dialect: Dialect): string | undefined {
  const bearer = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1]?.trim();
  if (dialect === 'openai') return bearer || undefined;
  const header = req.headers['x-api-key'];
  const key = Array.isArray(header) ? header[0] : header;
  return key || bearer || undefined;
}
