/**
 * Deterministic filler text for simulated answers: one word per output token, drawn from the
 * request's seeded stream, sentences capitalised and ended with a full stop.
 */

import type { Random } from './prng.ts';

const WORDS: readonly string[] = (
  'lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut ' +
  'labore et dolore magna aliqua enim ad minim veniam quis nostrud exercitation ullamco ' +
  'laboris nisi aliquip ex ea commodo consequat duis aute irure in reprehenderit voluptate ' +
  'velit esse cillum fugiat nulla pariatur excepteur sint occaecat cupidatat non proident ' +
  'sunt culpa qui officia deserunt mollit anim id est laborum'
).split(' ');

/**
 * `count` text pieces, each one simulated token: the first without a leading space, the rest
 * with one, so that joining them gives the answer and streaming them one per delta looks real.
 */
export function loremTokens(random: Random, count: number): string[] {
  const pieces: string[] = [];
  let sentenceStart = true;
  for (let i = 0; i < count; i++) {
    let word = random.pick(WORDS);
    if (sentenceStart) word = word[0]!.toUpperCase() + word.slice(1);
    const endSentence = i === count - 1 || random.next() < 0.12;
    if (endSentence) word += '.';
    sentenceStart = endSentence;
    pieces.push(i === 0 ? word : ` ${word}`);
  }
  return pieces;
}
