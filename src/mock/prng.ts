/**
 * A small seeded pseudo-random generator (mulberry32) and a string hash to derive seeds.
 *
 * Hand-written because the simulator needs exactly this: 32-bit state, a fresh stream per
 * request derived from (seed, model, request number), and bit-for-bit the same numbers on every
 * Node version. `Math.random()` cannot be seeded and the npm packages (seedrandom, …) bring
 * several algorithms and global patching we do not want.
 */

/** A stream of numbers in [0, 1), reproducible from its seed. */
export interface Random {
  /** Next number in [0, 1). */
  next(): number;
  /** An integer in [min, max], both included. */
  int(min: number, max: number): number;
  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T;
}

/** mulberry32 by Tommy Ettinger: a full-period 32-bit generator, good enough for simulation. */
export function mulberry32(seed: number): Random {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    pick: (items) => items[Math.floor(next() * items.length)]!,
  };
}

/** FNV-1a over the parts joined by NUL: a stable 32-bit seed from a seed and some labels. */
export function deriveSeed(...parts: ReadonlyArray<string | number>): number {
  let hash = 0x811c9dc5;
  const text = parts.join('\u0000');
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
