/**
 * The name a caller sends as `model` (or the `route` option) is echoed back in the answer's
 * `x-breakwater-route` and `x-breakwater-target` headers, and HTTP headers carry only visible
 * Latin-1: a NUL, a control character or a character beyond U+00FF there made Node throw while
 * the answer was being sent — a 500 after the upstream had been called, or a stream cut with no
 * answer at all. Such a name is refused up front, with a 400 naming the field, before anything
 * is looked up or sent upstream. So is a name longer than any model's, which would be echoed
 * whole.
 */
import { RejectedError } from '../errors/index.ts';

/** Longer than any provider's model ids (fine-tuned OpenAI ids and Bedrock ARNs included). */
export const MAX_MODEL_NAME_LENGTH = 256;

/** The index of the first control character (tab included), DEL or character past Latin-1. */
function unsafeAt(name: string): number {
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c < 0x20 || c === 0x7f || c > 0xff) return i;
  }
  return -1;
}

export function checkModelName(name: string, param: 'model' | 'route'): void {
  if (name.length > MAX_MODEL_NAME_LENGTH) {
    throw new RejectedError(
      'validation',
      `\`${param}\` is ${name.length} characters long; a route or provider/model name is at most ${MAX_MODEL_NAME_LENGTH}`,
      { param },
    );
  }
  const at = unsafeAt(name);
  if (at === -1) return;
  const code = name.charCodeAt(at);
  const what =
    code < 0x20 || code === 0x7f
      ? `a control character (U+${code.toString(16).toUpperCase().padStart(4, '0')})`
      : `"${String.fromCodePoint(name.codePointAt(at)!)}", a character beyond Latin-1`;
  throw new RejectedError(
    'validation',
    `\`${param}\` holds ${what} at position ${at}: route and provider/model names are printable ASCII (or Latin-1), as they are echoed in response headers`,
    { param },
  );
}
