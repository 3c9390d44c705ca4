/**
 * callUpstream against plain node:http servers on 127.0.0.1: each timer fires alone and says
 * which it is, caller aborts and deadlines cut through every phase, error answers are classified,
 * keep-alive connections are reused, and nothing (sockets, timers) outlives a failed attempt.
 * Timeouts are small and real because real sockets are involved.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createNetServer, type Server, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { Deadline } from '../../src/core/deadline.ts';
import { AbortedError, ConnectionError, TimeoutError } from '../../src/errors/index.ts';
import { type CallUpstreamOptions, callUpstream } from '../../src/upstream/call-upstream.ts';
import { createUpstreamPool, type UpstreamPool } from '../../src/upstream/upstream-pool.ts';

interface TestServer {
  origin: string;
  /** Connections accepted so far. */
  readonly accepted: number;
  /** Connections still open. */
  readonly open: number;
  /** Resolves once every accepted connection has closed. */
  allClosed(): Promise<void>;
  close(): Promise<void>;
}

/** Registers clean-up for the running test (tests in a block run concurrently). */
type Defer = (fn: () => Promise<void> | void) => void;

function track(server: Server): Omit<TestServer, 'origin' | 'close'> {
  const sockets = new Set<Socket>();
  let accepted = 0;
  const waiters: Array<() => void> = [];
  server.on('connection', (socket: Socket) => {
    accepted++;
    sockets.add(socket);
    socket.on('close', () => {
      sockets.delete(socket);
      if (sockets.size === 0) for (const w of waiters.splice(0)) w();
    });
  });
  return {
    get accepted() {
      return accepted;
    },
    get open() {
      return sockets.size;
    },
    allClosed: () =>
      sockets.size === 0 ? Promise.resolve() : new Promise<void>((r) => waiters.push(r)),
  };
}

async function startServer(
  defer: Defer,
  handler: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<TestServer> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => handler(req, res));
  });
  server.keepAliveTimeout = 60_000;
  const t = track(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  const s: TestServer = {
    origin: `http://127.0.0.1:${port}`,
    get accepted() {
      return t.accepted;
    },
    get open() {
      return t.open;
    },
    allClosed: t.allClosed,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
  defer(s.close);
  return s;
}

function poolFor(
  defer: Defer,
  origin: string,
  extra: Partial<Parameters<typeof createUpstreamPool>[0]> = {},
) {
  const pool = createUpstreamPool({ origins: [origin], ...extra });
  defer(() => pool.destroy());
  return pool;
}

function call(pool: UpstreamPool, origin: string, extra: Partial<CallUpstreamOptions> = {}) {
  return callUpstream({
    pool,
    origin,
    path: '/v1/chat/completions',
    body: JSON.stringify({ model: 'gpt-4o', messages: [] }),
    dialect: 'openai',
    provider: 'openai',
    model: 'gpt-4o',
    ...extra,
  });
}

/** The other timers, far larger than the one under test. */
const FAR = { connectMs: 10_000, firstByteMs: 10_000, idleMs: 10_000 };

async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a rejection');
}

async function drain(body: AsyncIterable<Uint8Array>, onChunk?: (n: number) => void) {
  let n = 0;
  for await (const _ of body) onChunk?.(++n);
}

/** undici hands a finished connection back to its pool one event-loop turn later, by design. */
const nextTurn = () => new Promise((r) => setImmediate(r));

function timers(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
}

describe.concurrent('callUpstream: answers', () => {
  it('streams a 2xx body chunk by chunk with the request id and latency figures', async ({
    onTestFinished,
  }) => {
    const server = await startServer(onTestFinished, (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'x-request-id': 'req_abc' });
      res.write('data: 1\n\n');
      setTimeout(() => res.end('data: [DONE]\n\n'), 20);
    });
    const pool = poolFor(onTestFinished, server.origin);
    const response = await call(pool, server.origin, { stream: true });
    expect(response.status).toBe(200);
    expect(response.requestId).toBe('req_abc');
    expect(response.headers['content-type']).toBe('text/event-stream');
    expect(response.timings.connectMs).toBeGreaterThanOrEqual(0);
    expect(response.timings.firstByteMs).toBeGreaterThanOrEqual(0);
    const chunks: string[] = [];
    for await (const chunk of response.body) chunks.push(Buffer.from(chunk).toString());
    expect(chunks).toEqual(['data: 1\n\n', 'data: [DONE]\n\n']);
    expect(response.bodyUsed).toBe(true);
    await expect(response.text()).rejects.toThrow('already read');
  });

  it('a large body read slowly arrives whole and in order, pausing and resuming the connection', async ({
    onTestFinished,
  }) => {
    const body = Buffer.alloc(3 * 1024 * 1024);
    for (let i = 0; i < body.length; i++) body[i] = (i * 7 + (i >> 10)) & 0xff;
    const server = await startServer(onTestFinished, (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.end(body);
    });
    const pool = poolFor(onTestFinished, server.origin);
    const response = await call(pool, server.origin, { stream: true });
    const parts: Buffer[] = [];
    let n = 0;
    for await (const chunk of response.body) {
      parts.push(Buffer.from(chunk));
      // Fall behind now and then, so more than the high-water mark queues up.
      if (++n % 8 === 0) await new Promise((r) => setImmediate(r));
    }
    expect(Buffer.concat(parts).equals(body)).toBe(true);
    // Read to its end, the connection went back to the pool and serves the next call.
    await nextTurn();
    await (await call(pool, server.origin, { stream: true })).text();
    expect(server.accepted).toBe(1);
  });

  it('reuses one keep-alive connection for sequential calls', async ({ onTestFinished }) => {
    const server = await startServer(onTestFinished, (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"ok":true}');
    });
    const pool = poolFor(onTestFinished, server.origin);
    expect(await (await call(pool, server.origin)).json()).toEqual({ ok: true });
    await nextTurn();
    const second = await call(pool, server.origin);
    expect(await second.json()).toEqual({ ok: true });
    expect(server.accepted).toBe(1);
  });

  it('a 2xx body that is not JSON is malformed_response', async ({ onTestFinished }) => {
    const server = await startServer(onTestFinished, (_req, res) => res.end('<html>oops'));
    const pool = poolFor(onTestFinished, server.origin);
    const err = await rejection((await call(pool, server.origin)).json());
    expect((err as AbortedError).code).toBe('malformed_response');
  });

  it('classifies an OpenAI 429 with its request id and retry-after-ms', async ({
    onTestFinished,
  }) => {
    const server = await startServer(onTestFinished, (_req, res) => {
      res.writeHead(429, {
        'content-type': 'application/json',
        'x-request-id': 'req_429',
        'retry-after-ms': '1500',
        'retry-after': '2',
      });
      res.end(
        JSON.stringify({
          error: {
            message: 'Rate limit reached for gpt-4o on requests per min (RPM): Limit 500.',
            type: 'requests',
            param: null,
            code: 'rate_limit_exceeded',
          },
        }),
      );
    });
    const pool = poolFor(onTestFinished, server.origin);
    const err = (await rejection(call(pool, server.origin))) as AbortedError;
    expect(err.code).toBe('rate_limited');
    expect(err.requestId).toBe('req_429');
    expect(err.retryAfterMs).toBe(1_500);
    expect(err.providerStatus).toBe(429);
    expect(err.retryable).toBe(true);
    // The error body was read to its end, so the connection goes back to the pool.
    await nextTurn();
    await call(pool, server.origin).catch(() => {});
    expect(server.accepted).toBe(1);
  });

  it('classifies an Anthropic 529 with request-id and retry-after in seconds', async ({
    onTestFinished,
  }) => {
    const server = await startServer(onTestFinished, (_req, res) => {
      res.writeHead(529, {
        'content-type': 'application/json',
        'request-id': 'req_018EeWyXxfu5pfWkrYcMdjWG',
        'retry-after': '7',
      });
      res.end(
        JSON.stringify({
          type: 'error',
          error: { type: 'overloaded_error', message: 'Overloaded' },
          request_id: 'req_018EeWyXxfu5pfWkrYcMdjWG',
        }),
      );
    });
    const pool = poolFor(onTestFinished, server.origin);
    const err = (await rejection(
      call(pool, server.origin, {
        dialect: 'anthropic',
        provider: 'anthropic',
        path: '/v1/messages',
      }),
    )) as AbortedError;
    expect(err.code).toBe('overloaded');
    expect(err.requestId).toBe('req_018EeWyXxfu5pfWkrYcMdjWG');
    expect(err.retryAfterMs).toBe(7_000);
  });

  it('reads at most maxErrorBodyBytes of an error body and drops that connection', async ({
    onTestFinished,
  }) => {
    const server = await startServer(onTestFinished, (_req, res) => {
      res.writeHead(500, { 'content-type': 'text/plain' });
      const block = 'x'.repeat(64 * 1024);
      let sent = 0;
      const pump = () => {
        while (sent < 8 * 1024 * 1024) {
          sent += block.length;
          if (!res.write(block)) return void res.once('drain', pump);
        }
        res.end();
      };
      pump();
    });
    const pool = poolFor(onTestFinished, server.origin);
    const err = (await rejection(
      call(pool, server.origin, { maxErrorBodyBytes: 1024 }),
    )) as AbortedError;
    expect(err.code).toBe('server_error');
    expect(err.providerMessage?.length).toBeLessThanOrEqual(1024);
    await server.allClosed();
    expect(pool.stats()[`${server.origin} 5000`]?.connected).toBe(0);
  });

  it('refuses an origin that is not configured', async ({ onTestFinished }) => {
    const pool = poolFor(onTestFinished, 'https://api.openai.com');
    await expect(call(pool, 'http://127.0.0.1:1')).rejects.toThrow('not configured');
  });
});

describe.concurrent('callUpstream: each timer fires alone and names itself', () => {
  it('connect: an injected connector that never calls back', async ({ onTestFinished }) => {
    const pool = poolFor(onTestFinished, 'http://127.0.0.1:9', { connector: () => {} });
    const started = Date.now();
    const err = (await rejection(
      call(pool, 'http://127.0.0.1:9', { timeouts: { ...FAR, connectMs: 100 } }),
    )) as TimeoutError;
    expect(err).toBeInstanceOf(TimeoutError);
    expect(err.code).toBe('timeout');
    expect(err.phase).toBe('connect');
    expect(err.message).toContain('connect timeout of 100 ms');
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it("connect: undici's own connect timer (a TLS handshake that never answers)", async ({
    onTestFinished,
  }) => {
    // TCP connects on loopback, but this server never speaks TLS, so the dial (which lasts until
    // the handshake completes) hangs like a blackholed SYN and undici's connector times it out.
    const sockets = new Set<Socket>();
    const silent = createNetServer((s) => sockets.add(s));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    onTestFinished(async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => silent.close(() => r()));
    });
    const origin = `https://127.0.0.1:${(silent.address() as { port: number }).port}`;
    const pool = poolFor(onTestFinished, origin);
    const err = (await rejection(
      call(pool, origin, { timeouts: { ...FAR, connectMs: 150 } }),
    )) as TimeoutError;
    expect(err.code).toBe('timeout');
    expect(err.phase).toBe('connect');
    expect((err.cause as { code?: string }).code).toBe('UND_ERR_CONNECT_TIMEOUT');
    expect(err.message).toContain('connect timeout of 150 ms');
  });

  it('first byte: a server that accepts and never answers', async ({ onTestFinished }) => {
    const server = await startServer(onTestFinished, () => {});
    const pool = poolFor(onTestFinished, server.origin);
    const err = (await rejection(
      call(pool, server.origin, { timeouts: { ...FAR, firstByteMs: 150 } }),
    )) as TimeoutError;
    expect(err.code).toBe('timeout');
    expect(err.phase).toBe('first_byte');
    expect(err.message).toContain('first-byte timeout of 150 ms');
    await server.allClosed();
  });

  it('idle: headers and one chunk, then silence, while the caller reads', async ({
    onTestFinished,
  }) => {
    const server = await startServer(onTestFinished, (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: 1\n\n');
    });
    const pool = poolFor(onTestFinished, server.origin);
    const response = await call(pool, server.origin, {
      stream: true,
      timeouts: { ...FAR, idleMs: 150 },
    });
    let chunks = 0;
    const err = (await rejection(drain(response.body, (n) => (chunks = n)))) as TimeoutError;
    expect(chunks).toBe(1);
    expect(err.code).toBe('timeout');
    expect(err.phase).toBe('idle');
    expect(err.message).toContain('idle timeout between bytes of 150 ms');
    await server.allClosed();
  });

  it('idle: a slow reader is not an idle upstream', async ({ onTestFinished }) => {
    const server = await startServer(onTestFinished, (_req, res) => {
      res.writeHead(200);
      res.end('x'.repeat(4 * 1024 * 1024));
    });
    const pool = poolFor(onTestFinished, server.origin);
    const response = await call(pool, server.origin, { timeouts: { ...FAR, idleMs: 100 } });
    let first = true;
    let bytes = 0;
    for await (const chunk of response.body) {
      if (first) await new Promise((r) => setTimeout(r, 250));
      first = false;
      bytes += chunk.length;
    }
    // All of it, though the reader paused longer than the idle limit.
    expect(bytes).toBe(4 * 1024 * 1024);
  });

  it('deadline: a server slower than the deadline, before the headers', async ({
    onTestFinished,
  }) => {
    const server = await startServer(onTestFinished, (_req, res) => {
      setTimeout(() => res.end('{}'), 2_000).unref();
    });
    const pool = poolFor(onTestFinished, server.origin);
    const deadline = Deadline.after(150);
    onTestFinished(() => deadline.dispose());
    const err = await rejection(call(pool, server.origin, { deadline, timeouts: FAR }));
    expect(err).toBe(deadline.error);
    expect((err as TimeoutError).code).toBe('deadline_exceeded');
    expect(err.message).toContain('deadline of 150 ms');
    await server.allClosed();
  });

  it('deadline: mid-body', async ({ onTestFinished }) => {
    const server = await startServer(onTestFinished, (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: 1\n\n');
    });
    const pool = poolFor(onTestFinished, server.origin);
    const deadline = Deadline.after(200);
    onTestFinished(() => deadline.dispose());
    const response = await call(pool, server.origin, { deadline, stream: true, timeouts: FAR });
    const err = await rejection(response.text());
    expect(err).toBe(deadline.error);
    await server.allClosed();
  });

  it('deadline: already past sends nothing', async ({ onTestFinished }) => {
    const server = await startServer(onTestFinished, (_req, res) => res.end('{}'));
    const pool = poolFor(onTestFinished, server.origin);
    const deadline = Deadline.after(0);
    const err = await rejection(call(pool, server.origin, { deadline }));
    expect((err as TimeoutError).code).toBe('deadline_exceeded');
    expect(server.accepted).toBe(0);
  });
});

describe.concurrent('callUpstream: caller abort', () => {
  it('mid-body: aborted, and the server sees the socket closed', async ({ onTestFinished }) => {
    const server = await startServer(onTestFinished, (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const timer = setInterval(() => res.write('data: tick\n\n'), 20);
      res.on('close', () => clearInterval(timer));
    });
    const pool = poolFor(onTestFinished, server.origin);
    const caller = new AbortController();
    const response = await call(pool, server.origin, {
      signal: caller.signal,
      stream: true,
      timeouts: FAR,
    });
    const err = (await rejection(
      drain(response.body, (n) => n === 2 && caller.abort(new Error('user pressed stop'))),
    )) as AbortedError;
    expect(err).toBeInstanceOf(AbortedError);
    expect(err.code).toBe('aborted');
    expect(err.message).toContain('user pressed stop');
    await server.allClosed();
  });

  it('while waiting for the headers', async ({ onTestFinished }) => {
    const server = await startServer(onTestFinished, () => {});
    const pool = poolFor(onTestFinished, server.origin);
    const caller = new AbortController();
    setTimeout(() => caller.abort(), 50);
    const err = (await rejection(
      call(pool, server.origin, { signal: caller.signal, timeouts: FAR }),
    )) as AbortedError;
    expect(err.code).toBe('aborted');
    await server.allClosed();
  });

  it('while dialling: at once, not when the connect timeout fires', async ({ onTestFinished }) => {
    const pool = poolFor(onTestFinished, 'http://127.0.0.1:9', { connector: () => {} });
    const caller = new AbortController();
    setTimeout(() => caller.abort(), 50);
    const started = Date.now();
    const err = (await rejection(
      call(pool, 'http://127.0.0.1:9', { signal: caller.signal, timeouts: FAR }),
    )) as AbortedError;
    expect(err.code).toBe('aborted');
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('breaking out of the loop closes the connection instead of pooling it half-read', async ({
    onTestFinished,
  }) => {
    const server = await startServer(onTestFinished, (_req, res) => {
      res.writeHead(200);
      const timer = setInterval(() => res.write('x'), 10);
      res.on('close', () => clearInterval(timer));
    });
    const pool = poolFor(onTestFinished, server.origin);
    const response = await call(pool, server.origin, { timeouts: FAR });
    for await (const _ of response.body) break;
    await server.allClosed();
  });

  it('cancel() during a read fails that read as aborted', async ({ onTestFinished }) => {
    const server = await startServer(onTestFinished, (_req, res) => {
      res.writeHead(200);
      const timer = setInterval(() => res.write('x'), 10);
      res.on('close', () => clearInterval(timer));
    });
    const pool = poolFor(onTestFinished, server.origin);
    const response = await call(pool, server.origin, { timeouts: FAR });
    const err = (await rejection(
      drain(response.body, (n) => n === 2 && response.cancel()),
    )) as AbortedError;
    expect(err.code).toBe('aborted');
    await server.allClosed();
  });

  it('cancel() closes the connection of a body nobody reads', async ({ onTestFinished }) => {
    const server = await startServer(onTestFinished, (_req, res) => {
      res.writeHead(200);
      res.write('partial');
    });
    const pool = poolFor(onTestFinished, server.origin);
    const response = await call(pool, server.origin, { timeouts: FAR });
    response.cancel();
    await server.allClosed();
    expect(response.bodyUsed).toBe(true);
  });
});

describe.concurrent('callUpstream: connection failures', () => {
  it('a reset mid-body is a connection error', async ({ onTestFinished }) => {
    const server = await startServer(onTestFinished, (_req, res) => {
      res.writeHead(200);
      res.write('data: 1\n\n');
      setTimeout(() => res.socket?.resetAndDestroy(), 20);
    });
    const pool = poolFor(onTestFinished, server.origin);
    const response = await call(pool, server.origin, { timeouts: FAR });
    const err = (await rejection(response.text())) as ConnectionError;
    expect(err).toBeInstanceOf(ConnectionError);
    expect(['reset', 'closed']).toContain(err.reason);
  });

  it('a refused connection is connection/refused', async ({ onTestFinished }) => {
    const server = await startServer(onTestFinished, () => {});
    const origin = server.origin;
    await server.close();
    const pool = poolFor(onTestFinished, origin);
    const err = (await rejection(call(pool, origin))) as ConnectionError;
    expect(err.code).toBe('connection');
    expect(err.reason).toBe('refused');
  });
});

describe('callUpstream: nothing outlives an attempt', () => {
  it('leaves no timers and no sockets after timeouts and aborts', async ({ onTestFinished }) => {
    const server = await startServer(onTestFinished, (req, res) => {
      if (req.url === '/hang') return;
      res.writeHead(200);
      res.write('data: 1\n\n');
    });
    const pool = poolFor(onTestFinished, server.origin, { keepAliveTimeoutMs: 50 });
    const before = timers();

    const caller = new AbortController();
    const deadline = Deadline.after(60);
    // A deadline that outlives the attempt: its one timer must go when its owner disposes it.
    const long = Deadline.after(60_000);
    const errors = await Promise.all([
      rejection(
        call(pool, server.origin, {
          path: '/hang',
          deadline: long,
          timeouts: { ...FAR, firstByteMs: 60 },
        }),
      ),
      call(pool, server.origin, { timeouts: { ...FAR, idleMs: 60 } }).then((r) =>
        rejection(r.text()),
      ),
      call(pool, server.origin, { signal: caller.signal, timeouts: FAR }).then((r) => {
        caller.abort();
        return rejection(r.text());
      }),
      rejection(call(pool, server.origin, { path: '/hang', deadline, timeouts: FAR })),
    ]);
    deadline.dispose();
    long.dispose();
    expect(errors.map((e) => (e as TimeoutError).code)).toEqual([
      'timeout',
      'timeout',
      'aborted',
      'deadline_exceeded',
    ]);

    await server.allClosed();
    expect(server.open).toBe(0);
    await new Promise((r) => setTimeout(r, 20));
    for (const stats of Object.values(pool.stats())) {
      expect(stats.connected).toBe(0);
      expect(stats.size).toBe(0);
    }
    expect(timers()).toBeLessThanOrEqual(before);
  });
});
