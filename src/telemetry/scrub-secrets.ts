/**
 * Blanks the values of fields whose name says they hold a secret — `authorization`, API keys,
 * cookies — and replaces raw bytes by their size, at any depth of a log line's object, before
 * pino serialises it. The logger's second
 * line of defence: nothing that carries a key is meant to be logged in the first place.
 *
 * Written here rather than using pino's `redact` option: pino 10 redacts through
 * @pinojs/redact 0.4, which parses every configured path again on every line — a large share of
 * the gateway's allocations (docs/gateway.md), for lines (the request record) that never have
 * those fields. Checking field names instead costs a set lookup per field, allocates nothing
 * when there is nothing to blank, needs no list of paths, and finds a key however deep it sits.
 * A line that does hold a secret is copied, never changed in place: the caller's object is theirs.
 */

/**
 * Field names whose values are blanked, lower-case; a field matches whatever its case
 * (`Authorization`, `X-API-Key`, `apiKey` and `APIKEY` alike), since headers arrive in any case.
 */
export const SECRET_FIELD_NAMES: ReadonlySet<string> = new Set([
  'authorization',
  'proxy-authorization',
  'x-api-key',
  'api-key',
  'apikey',
  'api_key',
  'key',
  'cookie',
  'set-cookie',
]);

/** The secret names by length, for comparing a name in another case without lower-casing it. */
const BY_LENGTH = new Map<number, string[]>();
for (const name of SECRET_FIELD_NAMES) {
  BY_LENGTH.set(name.length, [...(BY_LENGTH.get(name.length) ?? []), name]);
}

/** `name` equals the lower-case `secret` but for the case of its ASCII letters. */
function sameIgnoringCase(name: string, secret: string): boolean {
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if ((c >= 65 && c <= 90 ? c + 32 : c) !== secret.charCodeAt(i)) return false;
  }
  return true;
}

/** Whether `name` is a secret field's, in any case. Allocates nothing. */
function isSecretName(name: string): boolean {
  if (SECRET_FIELD_NAMES.has(name)) return true;
  const candidates = BY_LENGTH.get(name.length);
  if (candidates === undefined) return false;
  for (const secret of candidates) if (sameIgnoringCase(name, secret)) return true;
  return false;
}

export const CENSOR = '[redacted]';

/** Objects nested deeper than this are left as they are (log lines are shallow). */
const MAX_DEPTH = 5;

/** `line` itself when it holds no secret field, else a copy with those values blanked. */
export function scrubSecrets<T extends object>(line: T): T {
  return scrub(line, 0) as T;
}

function scrub(value: object, depth: number): object {
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      const next = nested(item, depth);
      if (next !== item) {
        out ??= value.slice();
        out[i] = next;
      }
    }
    return out ?? value;
  }
  let out: Record<string, unknown> | undefined;
  const record = value as Record<string, unknown>;
  for (const name in record) {
    if (!Object.hasOwn(record, name)) continue;
    const field = record[name];
    const next =
      isSecretName(name) && field !== undefined && field !== null && field !== ''
        ? CENSOR
        : nested(field, depth);
    if (next !== field) {
      out ??= copyOf(record);
      out[name] = next;
    }
  }
  return out ?? value;
}

function nested(value: unknown, depth: number): unknown {
  if (typeof value !== 'object' || value === null) return value;
  // Raw bytes (a socket's `rawPacket`, a body) may hold anything a client sent, its key and
  // prompt included, and a text search for them misses a byte array: only their size is kept.
  if (ArrayBuffer.isView(value)) return `[${value.byteLength} bytes]`;
  if (value instanceof ArrayBuffer) return `[${value.byteLength} bytes]`;
  if (depth >= MAX_DEPTH || value instanceof Map || value instanceof Set) return value;
  return scrub(value, depth + 1);
}

/** A copy that keeps the prototype and every own property (an Error's message and stack too). */
function copyOf(record: Record<string, unknown>): Record<string, unknown> {
  const copy = Object.defineProperties(
    Object.create(Object.getPrototypeOf(record) as object | null) as Record<string, unknown>,
    Object.getOwnPropertyDescriptors(record),
  );
  // V8's `stack` accessor reads the original error's internal slot; keep its text instead.
  if (record instanceof Error)
    Object.defineProperty(copy, 'stack', {
      value: record.stack,
      writable: true,
      configurable: true,
    });
  return copy;
}
