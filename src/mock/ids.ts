/**
 * Identifiers in the providers' formats, drawn from the request's seeded stream so a replayed
 * run produces the same ids: OpenAI `chatcmpl-…`, `call_…`, `req_…` (hex), `fp_…`; Anthropic
 * `msg_01…`, `toolu_01…`, `req_011C…`.
 */

import type { Random } from './prng.ts';

const BASE62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const HEX = '0123456789abcdef';

function draw(random: Random, alphabet: string, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[Math.floor(random.next() * alphabet.length)];
  return out;
}

export const ids = {
  openaiRequest: (r: Random) => `req_${draw(r, HEX, 32)}`,
  chatCompletion: (r: Random) => `chatcmpl-${draw(r, BASE62, 29)}`,
  toolCall: (r: Random) => `call_${draw(r, BASE62, 24)}`,
  fingerprint: (r: Random) => `fp_${draw(r, HEX, 10)}`,
  anthropicRequest: (r: Random) => `req_011C${draw(r, BASE62, 20)}`,
  message: (r: Random) => `msg_01${draw(r, BASE62, 22)}`,
  toolUse: (r: Random) => `toolu_01${draw(r, BASE62, 22)}`,
};
