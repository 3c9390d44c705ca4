/**
 * The JSON text a stream event arrived as, kept on the parsed event under a symbol, so a stream
 * passed on in its own dialect goes out as the provider wrote it: framing an event is then one
 * concatenation instead of a `JSON.stringify` per event (that, and the strings it made, were the
 * largest share of a passed-through stream's allocations). Only text on a single line is kept —
 * an SSE frame carries one `data:` line — under a non-enumerable symbol key, invisible to
 * `JSON.stringify`, `Object.keys`, spreads and `Object.assign`, so a translated or rebuilt event
 * never carries a stale copy. Parsed events are never changed in place after they are read, which
 * is what keeps the text true.
 */

const RAW_DATA: unique symbol = Symbol('breakwater.rawData');

/** `event` with its JSON text attached, when that text is a single line. */
export function keepRawData<T extends object>(event: T, data: string): T {
  if (data.indexOf('\n') === -1 && data.indexOf('\r') === -1) {
    // Not enumerable: spreads and Object.assign copy enumerable symbol keys, and a copy (e.g.
    // `{ ...chunk, model }`) must not go out as the original's text.
    Object.defineProperty(event, RAW_DATA, { value: data, configurable: true });
  }
  return event;
}

/** The JSON text `event` arrived as, if it was kept. */
export function rawDataOf(event: object): string | undefined {
  return (event as { [RAW_DATA]?: string })[RAW_DATA];
}
