/**
 * The load generator's HTTP/1.1 client: node:http's keep-alive Agent, one request body built
 * once per job, a timeout on every request, and failures counted by kind.
 *
 * node:http rather than undici, because the generator's own pauses count in every open-loop
 * figure: measured here with --trace-gc, a generator on undici let V8 grow the young generation
 * to tens of MB and each scavenge took 8–27 ms (one every ~0.5 s at 2,000 requests/s), while on
 * node:http scavenges stayed under 0.5 ms.
 */
import { Agent, type IncomingMessage, request } from 'node:http';
import { FIRST_CONTENT, type Target } from './jobs.ts';

/** A request that has not answered, or gone silent, this long has failed. */
export const REQUEST_TIMEOUT_MS = 10_000;

/** Keep-alive connections to one origin, at most `connections` of them; more requests queue. */
export class Client {
  readonly #agent: Agent;
  readonly #options: { host: string; port: number; path: string; method: 'POST' };
  readonly #headers: Record<string, string>;
  readonly #body: Buffer;

  constructor(target: Target, connections: number) {
    const url = new URL(target.origin);
    this.#agent = new Agent({
      keepAlive: true,
      maxSockets: connections,
      maxFreeSockets: connections,
    });
    this.#options = {
      host: url.hostname,
      port: Number(url.port),
      path: target.path,
      method: 'POST',
    };
    this.#body = Buffer.from(target.body, 'utf8');
    this.#headers = { ...target.headers, 'content-length': String(this.#body.length) };
  }

  /** Sends the request; resolves with the response once its headers are in. */
  send(): Promise<IncomingMessage> {
    return new Promise((resolve, reject) => {
      const req = request(
        { ...this.#options, headers: this.#headers, agent: this.#agent },
        resolve,
      );
      req.setTimeout(REQUEST_TIMEOUT_MS, () =>
        req.destroy(Object.assign(new Error('timeout'), { code: 'timeout' })),
      );
      req.on('error', reject);
      req.end(this.#body);
    });
  }

  close(): void {
    this.#agent.destroy();
  }
}

export function failure(code: string): Error {
  return Object.assign(new Error(code), { code });
}

/** One request and its whole answer; resolves with the end time, or rejects with a kind. */
export function exchange(client: Client): Promise<number> {
  return client.send().then(
    (res) =>
      new Promise<number>((resolve, reject) => {
        res.on('data', () => {});
        res.on('error', reject);
        res.on('end', () => {
          if (res.statusCode === 200) resolve(performance.now());
          else reject(failure(`status ${res.statusCode}`));
        });
      }),
  );
}

export class Errors {
  readonly counts: Record<string, number> = {};
  add(kind: string): void {
    this.counts[kind] = (this.counts[kind] ?? 0) + 1;
  }
  addError(error: unknown): void {
    const e = error as { code?: string; name?: string };
    this.add(e.code ?? e.name ?? 'error');
  }
}

/**
 * Reads a stream's answer: calls `onContent` once, when the first content chunk arrives, and
 * resolves at its end (rejects if it ended without content or failed).
 */
export function readStream(res: IncomingMessage, onContent: () => void): Promise<void> {
  return new Promise((resolve, reject) => {
    if (res.statusCode !== 200) {
      res.resume();
      reject(failure(`status ${res.statusCode}`));
      return;
    }
    let seen = '';
    let content = false;
    res.on('data', (chunk: Buffer) => {
      if (content) return;
      seen += chunk.toString('utf8');
      if (!FIRST_CONTENT.test(seen)) return;
      content = true;
      onContent();
    });
    res.on('error', reject);
    res.on('end', () => (content ? resolve() : reject(failure('no content in the stream'))));
  });
}
