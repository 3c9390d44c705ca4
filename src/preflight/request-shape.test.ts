import { describe, expect, it } from 'vitest';
import { RejectedError } from '../errors/index.ts';
import { checkShape, MAX_DEPTH } from './request-shape.ts';

/** A body whose deepest value sits at nesting level `levels` (the body itself is level 1). */
function nested(levels: number): Record<string, unknown> {
  let value: unknown = {};
  for (let level = levels; level > 2; level--) value = level % 2 === 0 ? [value] : { inner: value };
  return { model: 'chat', messages: [{ role: 'user', content: 'hi' }], metadata: value };
}

describe('checkShape: nesting', () => {
  it(`accepts a body nested ${MAX_DEPTH} levels deep`, () => {
    expect(() => checkShape('openai', 'chat', nested(MAX_DEPTH))).not.toThrow();
  });

  it(`refuses one level more, in arrays and objects alike`, () => {
    for (const body of [nested(MAX_DEPTH + 1), nested(MAX_DEPTH + 2)]) {
      const err = (() => {
        try {
          checkShape('openai', 'chat', body);
        } catch (e) {
          return e;
        }
      })();
      expect(err).toBeInstanceOf(RejectedError);
      expect((err as Error).message).toContain(`deeper than ${MAX_DEPTH} levels`);
    }
  });

  it('looks inside arrays of messages too', () => {
    let deep: unknown = 'x';
    for (let i = 0; i < MAX_DEPTH; i++) deep = [deep];
    const body = { model: 'chat', messages: [{ role: 'user', content: deep }] };
    expect(() => checkShape('anthropic', 'messages', body)).toThrow(/deeper than/);
  });
});

describe('checkShape: max_tokens', () => {
  const body = { model: 'chat', messages: [{ role: 'user', content: 'hi' }] };

  it('lets an Anthropic request leave max_tokens out (the route policy defaults it)', () => {
    expect(() => checkShape('anthropic', 'messages', body)).not.toThrow();
  });

  it('still refuses a max_tokens that is not a non-negative integer, naming it', () => {
    for (const bad of ['lots', 1.5, -1]) {
      expect(() => checkShape('anthropic', 'messages', { ...body, max_tokens: bad })).toThrow(
        /`max_tokens`/,
      );
    }
  });
});
