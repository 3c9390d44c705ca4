import { describe, expect, it } from 'vitest';
import { ManualClock } from '../core/clock.ts';
import { Deadline } from '../core/deadline.ts';
import { linkSignals } from '../core/signals.ts';
import { AbortedError, type TimeoutError } from '../errors/index.ts';
import { upstreamFailure } from './upstream-failure.ts';

const ctx = {
  provider: 'openai',
  model: 'gpt-4o',
  connectTimeoutMs: 5_000,
  firstByteTimeoutMs: 30_000,
  idleTimeoutMs: 15_000,
};
const code = (c: string) => Object.assign(new Error(c), { code: c });

describe('upstreamFailure', () => {
  it('names the undici timer that fired', () => {
    const phases = [
      'UND_ERR_CONNECT_TIMEOUT',
      'UND_ERR_HEADERS_TIMEOUT',
      'UND_ERR_BODY_TIMEOUT',
    ].map((c) => upstreamFailure(code(c), undefined, ctx) as TimeoutError);
    expect(phases.map((e) => [e.phase, e.timeoutMs])).toEqual([
      ['connect', 5_000],
      ['first_byte', 30_000],
      ['idle', 15_000],
    ]);
  });

  it('reports the deadline, not the socket error it caused', async () => {
    const clock = new ManualClock();
    const deadline = Deadline.after(100, clock);
    const caller = new AbortController();
    const { signal } = linkSignals(caller.signal, deadline.signal);
    await clock.advance(100);
    caller.abort();
    expect(upstreamFailure(code('UND_ERR_SOCKET'), signal, ctx)).toBe(deadline.error);
  });

  it('reports a caller abort as aborted, whatever undici threw', () => {
    const caller = new AbortController();
    caller.abort(new Error('stop'));
    const err = upstreamFailure(code('ECONNRESET'), caller.signal, ctx);
    expect(err).toBeInstanceOf(AbortedError);
    expect(err.provider).toBe('openai');
  });
});
