/**
 * `Idempotency-Key: <key>` — read the same way by `client.fetch` and the gateway, in both
 * dialects. A key is 1 to 255 visible ASCII characters (what Stripe, whose scheme the SDKs copy,
 * accepts); a UUID is the usual choice.
 */
import { RejectedError } from '../errors/index.ts';

const IDEMPOTENCY_KEY_MAX_LENGTH = 255;
const VISIBLE_ASCII = /^[\x21-\x7e]+$/;

export function parseIdempotencyKey(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const key = value.trim();
  if (key.length > 0 && key.length <= IDEMPOTENCY_KEY_MAX_LENGTH && VISIBLE_ASCII.test(key))
    return key;
  throw new RejectedError(
    'validation',
    `Idempotency-Key must be 1 to ${IDEMPOTENCY_KEY_MAX_LENGTH} visible ASCII characters without spaces (a UUID is a good key), got ${key.length === 0 ? 'an empty value' : `${key.length} characters`}`,
    { param: 'Idempotency-Key' },
  );
}
