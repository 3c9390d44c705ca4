/**
 * The simulator respects a slow reader, as a provider's socket would: a client that stops
 * reading a long stream holds it back — the simulator waits for the socket to drain before it
 * writes the next frame, instead of piling the whole stream up in memory for it — and once the
 * client reads again the stream goes on to its end. What the simulator has buffered is read from
 * its responses' own `writableLength` as they write.
 */
import { ServerResponse } from 'node:http';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MockServer, startMock } from '../../src/mock/index.ts';

let mock: MockServer;
const write = ServerResponse.prototype.write;
let writes = 0;
let maxBuffered = 0;
let lastAccepted = true;

beforeAll(async () => {
  mock = await startMock({ seed: 11, default: { outputTokens: 60_000 } });
  ServerResponse.prototype.write = function (this: ServerResponse, ...args: unknown[]) {
    const accepted = (write as (...a: unknown[]) => boolean).apply(this, args);
    writes++;
    lastAccepted = accepted;
    maxBuffered = Math.max(maxBuffered, this.writableLength);
    return accepted;
  } as typeof write;
});

afterAll(async () => {
  ServerResponse.prototype.write = write;
  await mock.close();
});

/** Resolves after `n` turns of the event loop (timers and I/O included), not after a time. */
async function turns(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve));
}

describe('the simulator and a slow reader', () => {
  it('stops writing while the client does not read, and finishes once it does', async () => {
    const body = JSON.stringify({
      model: 'gpt-4o-mini',
      stream: true,
      messages: [{ role: 'user', content: 'Tell me everything.' }],
    });
    const socket = connect(mock.port, '127.0.0.1');
    socket.pause();
    socket.write(
      `POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\nauthorization: Bearer sk-test\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
    // The socket's buffers fill, and the simulator stops at the first write they refuse.
    for (let i = 0; i < 2_000 && lastAccepted; i++) await turns(1);
    expect(lastAccepted).toBe(false);
    const stalled = writes;
    await turns(50);
    expect(writes).toBe(stalled);
    // A frame or two past the socket's high-water mark, not the ~9 MB stream.
    expect(maxBuffered).toBeLessThan(256 * 1024);

    let received = '';
    const done = new Promise<void>((resolve) =>
      socket.on('data', (chunk: Buffer) => {
        received = (received + chunk.toString('latin1')).slice(-64);
        if (received.includes('data: [DONE]')) resolve();
      }),
    );
    socket.resume();
    await done;
    socket.destroy();
    expect(writes).toBeGreaterThan(stalled + 1_000);
  }, 30_000);
});
