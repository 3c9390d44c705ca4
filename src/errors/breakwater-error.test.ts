import { describe, expect, it } from 'vitest';
import { BreakwaterError } from './breakwater-error.ts';
import { ConnectionError, RejectedError, TimeoutError } from './families.ts';

describe('BreakwaterError', () => {
  it('takes status, retryability and hint from the code table', () => {
    const err = new RejectedError('queue_full', 'queue full: 512/512 waiting for openai/gpt-4o');
    expect([err.code, err.status, err.retryable, err.origin]).toEqual([
      'queue_full',
      503,
      false,
      'breakwater',
    ]);
    expect(err.hint).toMatch(/queue/);
    expect(err.fallbackable).toBe(true);
    expect(err.healthSignal).toBe(false);
  });

  it('is recognised across duplicate installs through its Symbol.for brand', () => {
    const foreign = Object.create({ [Symbol.for('breakwater.error')]: true });
    expect(foreign instanceof BreakwaterError).toBe(true);
    expect(new Error('x') instanceof BreakwaterError).toBe(false);
    expect(new ConnectionError('reset', 'socket hang up') instanceof BreakwaterError).toBe(true);
  });

  it('keeps subclass checks exact', () => {
    const err = new TimeoutError('idle', 15_000);
    expect(err instanceof TimeoutError).toBe(true);
    expect(err instanceof ConnectionError).toBe(false);
  });

  it('serialises without cause or stack', () => {
    const err = new ConnectionError('refused', 'connect ECONNREFUSED', {
      provider: 'openai',
      model: 'gpt-4o',
      cause: new Error('inner'),
    });
    const json = err.toJSON();
    expect(json.code).toBe('connection');
    expect(json).not.toHaveProperty('stack');
    expect(json).not.toHaveProperty('cause');
    expect(err.target).toBe('openai/gpt-4o');
  });
});
