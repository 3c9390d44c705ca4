/**
 * Upstream origins come only from the config. A provider's base URL (`https://api.openai.com/v1`)
 * is reduced to its origin for the pool; anything that is not http(s) is refused up front.
 */

/** `https://api.openai.com/v1` → `https://api.openai.com`; anything not http(s) throws. */
export function normalizeOrigin(origin: string): string {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    throw new TypeError(`Expected an upstream origin like https://api.openai.com, got "${origin}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new TypeError(`Expected an http or https upstream origin, got "${origin}"`);
  }
  return url.origin;
}
