/**
 * Reading response headers whatever shape they come in: a fetch `Headers`, or the plain record
 * undici's `request()` and node:http give (values may be arrays). Look-ups are case-insensitive.
 */

export type HeaderRecord = Record<string, string | string[] | number | undefined>;
export type HeadersLike = Headers | HeaderRecord;

/** The first value of header `name`, or `undefined`. `name` must be lower-case. */
export function getHeader(headers: HeadersLike | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  if (typeof (headers as Headers).get === 'function') {
    return (headers as Headers).get(name) ?? undefined;
  }
  const record = headers as HeaderRecord;
  let value = record[name];
  if (value === undefined) {
    // undici and node:http give lower-case names, so this scan finds nothing on the hot path:
    // it only compares names of the same length, and allocates nothing while it looks.
    for (const key in record) {
      if (key.length === name.length && key !== name && key.toLowerCase() === name) {
        value = record[key];
        break;
      }
    }
  }
  if (Array.isArray(value)) return value[0];
  return value === undefined ? undefined : String(value);
}
