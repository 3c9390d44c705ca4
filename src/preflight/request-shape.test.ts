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

describe('checkShape: every problem at once', () => {
  it('lists three mistakes in one 400, each with its path and fix, first as param', () => {
    const body = {
      model: 'chat',
      messages: [{ role: 'usr', content: 'hi' }, { role: 'user' }],
      max_tokens: -1,
    };
    let error: RejectedError | undefined;
    try {
      checkShape('openai', 'chat', body);
    } catch (err) {
      error = err as RejectedError;
    }
    expect(error).toBeInstanceOf(RejectedError);
    expect(error).toMatchObject({ code: 'validation', status: 400, param: 'max_tokens' });
    expect(error!.problems!.map((p) => p.param)).toEqual([
      'max_tokens',
      'messages.1.content',
      'messages.0.role',
    ]);
    expect(error!.message).toMatch(
      /^3 problems in the request: \(1\) `max_tokens` must be an integer of at least 0, got -1; \(2\) `messages\.1\.content` is required/,
    );
    expect(error!.message).toContain('(did you mean "user"?)');
  });

  it('never quotes text that may be a prompt', () => {
    const secret = 'my private prompt text';
    try {
      checkShape('anthropic', 'messages', {
        model: 'chat',
        messages: [{ role: secret, content: secret }],
        system: 5,
      });
    } catch (err) {
      expect((err as Error).message).not.toContain(secret);
      return;
    }
    throw new Error('expected a rejection');
  });

  it('lets unknown fields through, and reads null as absent for OpenAI only', () => {
    const open = {
      model: 'chat',
      messages: [{ role: 'user', content: 'hi' }],
      temperature: null,
      future_field: { a: 1 },
    };
    expect(checkShape('openai', 'chat', open).warnings).toEqual([]);
    const anthropic = {
      model: 'chat',
      messages: [{ role: 'user', content: 'hi' }],
      temperature: null,
    };
    expect(() => checkShape('anthropic', 'messages', anthropic)).toThrow(
      /`temperature` must not be null: leave it out/,
    );
  });

  it('returns Anthropic warnings instead of refusing', () => {
    const body = {
      model: 'chat',
      messages: [
        { role: 'assistant', content: 'Hi' },
        { role: 'user', content: 'a' },
        { role: 'user', content: 'b' },
      ],
    };
    const { warnings } = checkShape('anthropic', 'messages', body);
    expect(warnings.map((w) => w.rule)).toEqual([
      'anthropic.consecutive_roles',
      'anthropic.first_message_assistant',
    ]);
  });
});
