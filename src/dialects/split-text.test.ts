import { describe, expect, it } from 'vitest';
import { splitText } from './split-text.ts';

describe('splitText', () => {
  it('cuts after whole words and loses nothing', () => {
    const text = '  Hello, world!  This is\na test of 🌍 splitting text into pieces.  ';
    const pieces = splitText(text, 8);
    expect(pieces.join('')).toBe(text);
    expect(pieces.length).toBeGreaterThan(3);
    for (const piece of pieces.slice(0, -1)) expect(piece.length).toBeGreaterThanOrEqual(8);
    for (const piece of pieces.slice(1)) expect(piece).toMatch(/^\s/);
  });

  it('cuts text without whitespace too, never inside a surrogate pair', () => {
    const json = JSON.stringify({ city: 'Paris', emoji: '🌍🌍🌍🌍🌍🌍🌍🌍', days: [1, 2, 3] });
    const pieces = splitText(json, 5);
    expect(pieces.join('')).toBe(json);
    expect(pieces.length).toBeGreaterThan(3);
    for (const piece of pieces) expect(piece.isWellFormed()).toBe(true);
  });

  it('gives nothing for the empty string', () => {
    expect(splitText('')).toEqual([]);
  });
});
