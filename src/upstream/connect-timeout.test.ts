import { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../core/clock.ts';
import { classifyNetworkError, TimeoutError } from '../errors/index.ts';
import { type Connector, withConnectTimeout } from './connect-timeout.ts';

const target = { hostname: '127.0.0.1', protocol: 'http:', port: '9' };

function dial(connector: Connector): Promise<{ err: Error | null; socket: unknown }> {
  return new Promise((resolve) => {
    connector(target, (err, socket) => resolve({ err, socket }));
  });
}

describe('withConnectTimeout', () => {
  it('fails a dial that never calls back with UND_ERR_CONNECT_TIMEOUT', async () => {
    const clock = new ManualClock();
    const never: Connector = () => {};
    const result = dial(withConnectTimeout(never, 250, clock));
    await clock.advance(249);
    expect(clock.pending).toBe(1);
    await clock.advance(1);
    const { err, socket } = await result;
    expect(socket).toBeNull();
    expect((err as { code?: string }).code).toBe('UND_ERR_CONNECT_TIMEOUT');
    expect(err?.message).toContain('127.0.0.1:9');

    const classified = classifyNetworkError(err, { provider: 'openai', connectTimeoutMs: 250 });
    expect(classified).toBeInstanceOf(TimeoutError);
    expect(classified.code).toBe('timeout');
    expect((classified as TimeoutError).phase).toBe('connect');
    expect(classified.message).toContain('connect timeout of 250 ms');
  });

  it('passes a prompt dial through and clears its timer', async () => {
    const clock = new ManualClock();
    const socket = new Socket();
    const prompt: Connector = (_opts, cb) => queueMicrotask(() => cb(null, socket));
    const result = await dial(withConnectTimeout(prompt, 250, clock));
    expect(result.socket).toBe(socket);
    expect(clock.pending).toBe(0);
  });

  it('passes a dial error through', async () => {
    const clock = new ManualClock();
    const refused: Connector = (_opts, cb) =>
      cb(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), null);
    const result = await dial(withConnectTimeout(refused, 250, clock));
    expect((result.err as { code?: string }).code).toBe('ECONNREFUSED');
    expect(clock.pending).toBe(0);
  });

  it('destroys a socket that arrives after the timeout', async () => {
    const clock = new ManualClock();
    let late: ((err: null, socket: Socket) => void) | undefined;
    const slow: Connector = (_opts, cb) => {
      late = cb as typeof late;
    };
    const result = dial(withConnectTimeout(slow, 100, clock));
    await clock.advance(100);
    expect((await result).err).not.toBeNull();
    const socket = new Socket();
    late?.(null, socket);
    expect(socket.destroyed).toBe(true);
  });

  it('leaves the connector alone when there is no limit', () => {
    const base: Connector = () => {};
    expect(withConnectTimeout(base, 0)).toBe(base);
  });
});
