/**
 * A 2xx answer from a provider with its body still on the wire. The body is streamed, never
 * buffered: iterate `body` (or call `text()` / `json()` for a non-streaming answer), once.
 *
 * While the body is read, the attempt's idle timer (undici's `bodyTimeout`, which fires only
 * while data is expected and the reader is not applying backpressure), the caller's signal and
 * the deadline all still apply; each failure comes out as the breakwater error that names it.
 * Leaving the loop early, `cancel()`, or any failure destroys the connection instead of handing a
 * half-read socket back to the pool. A body nobody reads holds its connection until the deadline
 * or the caller's signal fires, so read it or cancel it.
 */
import type { Readable } from 'node:stream';
import type { HeaderRecord } from '../dialects/headers.ts';
import { AbortedError, malformedResponse, type NetworkErrorContext } from '../errors/index.ts';
import { upstreamFailure } from './upstream-failure.ts';

/** How long the attempt took to get going, in milliseconds (read from the call's clock). */
export interface UpstreamTimings {
  /**
   * From the call to the request being written on a connection: waiting for a free connection
   * plus dialling and TLS when a new one was opened; near 0 on a reused keep-alive connection.
   */
  connectMs: number;
  /** From the request being written to the response headers: time to first byte. */
  firstByteMs: number;
}

export interface UpstreamResponseInit {
  status: number;
  headers: HeaderRecord;
  requestId: string | undefined;
  timings: UpstreamTimings;
  body: Readable;
  signal: AbortSignal | undefined;
  ctx: NetworkErrorContext;
}

/** What an async iterator throws for a stream destroyed before its end without an error. */
function prematureClose(): Error {
  return Object.assign(new Error('Premature close'), { code: 'ERR_STREAM_PREMATURE_CLOSE' });
}

export class UpstreamResponse {
  readonly status: number;
  /** Response headers as undici gives them: lower-case names, repeated ones as arrays. */
  readonly headers: HeaderRecord;
  /** `x-request-id` (OpenAI) or `request-id` (Anthropic). */
  readonly requestId: string | undefined;
  readonly timings: UpstreamTimings;
  readonly #raw: Readable;
  readonly #signal: AbortSignal | undefined;
  /** The call's context, without the request id (see `#errorCtx`). */
  readonly #ctx: NetworkErrorContext;
  #used = false;

  constructor(init: UpstreamResponseInit) {
    this.status = init.status;
    this.headers = init.headers;
    this.requestId = init.requestId;
    this.timings = init.timings;
    this.#raw = init.body;
    this.#signal = init.signal;
    this.#ctx = init.ctx;
  }

  /** Whether the body has been (or is being) read or was cancelled. */
  get bodyUsed(): boolean {
    return this.#used;
  }

  /** The body's bytes as they arrive. Can be iterated once. */
  get body(): AsyncIterable<Uint8Array> {
    return { [Symbol.asyncIterator]: () => this.#iterate() };
  }

  /**
   * The whole body as UTF-8 text. Read with plain stream listeners (not `once`, which wraps each)
   * rather than the async iterator `body` uses: a non-streaming answer is read once per request,
   * and the iterator's promises and end-of-stream bookkeeping were a tenth of the gateway's
   * allocations.
   */
  text(): Promise<string> {
    if (this.#used) {
      return Promise.reject(
        new TypeError('the upstream response body was already read or cancelled'),
      );
    }
    this.#used = true;
    const raw = this.#raw;
    return new Promise<string>((resolve, reject) => {
      const chunks: Buffer[] = [];
      let settled = false;
      const fail = (err: unknown) => {
        if (settled) return;
        settled = true;
        // A failed read must not hand a half-read socket back to the pool.
        if (!raw.readableEnded && !raw.destroyed) raw.destroy();
        reject(upstreamFailure(err, this.#signal, this.#errorCtx()));
      };
      raw.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
      });
      raw.on('end', () => {
        if (settled) return;
        settled = true;
        resolve(
          chunks.length === 1
            ? chunks[0]!.toString('utf8')
            : Buffer.concat(chunks).toString('utf8'),
        );
      });
      raw.on('error', fail);
      raw.on('close', () => {
        if (!raw.readableEnded) fail(prematureClose());
      });
    });
  }

  /** The whole body parsed as JSON; a body that is not JSON is a `malformed_response`. */
  async json(): Promise<unknown> {
    return (await this.jsonAndText()).value;
  }

  /** The parsed body and its text, for a caller that can pass the text on unchanged. */
  async jsonAndText(): Promise<{ value: unknown; text: string }> {
    const text = await this.text();
    try {
      return { value: JSON.parse(text), text };
    } catch (err) {
      throw malformedResponse(`body is not JSON (${(err as Error).message})`, {
        provider: this.#ctx.provider,
        model: this.#ctx.model,
        requestId: this.requestId,
        cause: err,
      });
    }
  }

  /**
   * Stops reading and closes the connection. A read in progress fails with `reason`, by default
   * an `aborted` error. Safe to call at any time, more than once.
   */
  cancel(reason?: Error): void {
    this.#used = true;
    if (this.#raw.destroyed) return;
    const { provider, model } = this.#ctx;
    this.#raw.destroy(
      reason ??
        new AbortedError('response body cancelled', { provider, model, requestId: this.requestId }),
    );
  }

  /** The context errors carry: the call's, with this answer's request id (built only on failure). */
  #errorCtx(): NetworkErrorContext {
    return { ...this.#ctx, requestId: this.requestId };
  }

  async *#iterate(): AsyncGenerator<Uint8Array, void, undefined> {
    if (this.#used) throw new TypeError('the upstream response body was already read or cancelled');
    this.#used = true;
    try {
      for await (const chunk of this.#raw) yield chunk as Uint8Array;
    } catch (err) {
      throw upstreamFailure(err, this.#signal, this.#errorCtx());
    } finally {
      // Leaving early (break, a throw in the loop body) must not return the socket half-read.
      if (!this.#raw.readableEnded && !this.#raw.destroyed) this.#raw.destroy();
    }
  }
}
