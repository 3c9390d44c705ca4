/**
 * An error answer before any body byte was sent: status, headers, body. Shared parts of both
 * dialects live here: the retry-control headers a scenario can add (`retry-after`,
 * `retry-after-ms`, `x-should-retry`) and Cloudflare's HTML error page, which is what a
 * provider's edge sends instead of a JSON envelope (e.g. a 413 for a body over the size limit).
 */

export interface ErrorReply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface RetryControl {
  retryAfterS?: number | undefined;
  retryAfterMs?: number | undefined;
  shouldRetry?: boolean | undefined;
}

export function retryHeaders(control: RetryControl): Record<string, string> {
  const headers: Record<string, string> = {};
  if (control.retryAfterS !== undefined) headers['retry-after'] = String(control.retryAfterS);
  if (control.retryAfterMs !== undefined) headers['retry-after-ms'] = String(control.retryAfterMs);
  if (control.shouldRetry !== undefined) headers['x-should-retry'] = String(control.shouldRetry);
  return headers;
}

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  408: 'Request Timeout',
  409: 'Conflict',
  413: 'Request Entity Too Large',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Temporarily Unavailable',
  504: 'Gateway Time-out',
  520: 'Web server is returning an unknown error',
  521: 'Web server is down',
  522: 'Connection timed out',
  523: 'Origin is unreachable',
  524: 'A timeout occurred',
  529: 'Site is overloaded',
};

export function cloudflarePage(status: number): ErrorReply {
  const title = `${status} ${REASONS[status] ?? 'Error'}`;
  return {
    status,
    headers: { 'content-type': 'text/html', server: 'cloudflare' },
    body:
      `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n` +
      `<center><h1>${title}</h1></center>\r\n<hr><center>cloudflare</center>\r\n</body>\r\n</html>\r\n`,
  };
}

/** Shows the first 8 and last 4 characters of a key, the way OpenAI's 401 message does. */
export function maskKey(key: string): string {
  if (key.length <= 12) return `${key.slice(0, 2)}${'*'.repeat(Math.max(0, key.length - 2))}`;
  return `${key.slice(0, 8)}${'*'.repeat(10)}${key.slice(-4)}`;
}

/** A wait the way OpenAI writes it in messages: `84ms`, `1.146s`. */
export function humanWait(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.ceil(ms))}ms`;
  return `${Number((ms / 1000).toFixed(3))}s`;
}
