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
import type { HeaderRecord } from '../dialects/headers.ts';
import { AbortedError, malformedResponse, type NetworkErrorContext } from '../errors/index.ts';
import type { AttemptHandler } from './attempt-handler.ts';

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
  /** The attempt's dispatch handler, which holds the body as it arrives. */
  source: AttemptHandler;
  ctx: NetworkErrorContext;
}

const DONE: IteratorReturnResult<undefined> = Object.freeze({ done: true, value: undefined });

export class UpstreamResponse {
  readonly status: number;
  /** Response headers as undici gives them: lower-case names, repeated ones as arrays. */
  readonly headers: HeaderRecord;
  /** `x-request-id` (OpenAI) or `request-id` (Anthropic). */
  readonly requestId: string | undefined;
  readonly timings: UpstreamTimings;
  readonly #source: AttemptHandler;
  /** The call's context, for the errors `json()` raises. */
  readonly #ctx: NetworkErrorContext;
  #used = false;

  constructor(init: UpstreamResponseInit) {
    this.status = init.status;
    this.headers = init.headers;
    this.requestId = init.requestId;
    this.timings = init.timings;
    this.#source = init.source;
    this.#ctx = init.ctx;
  }

  /** Whether the body has been (or is being) read or was cancelled. */
  get bodyUsed(): boolean {
    return this.#used;
  }

  /** The body's bytes as they arrive. Can be iterated once. */
  get body(): AsyncIterable<Uint8Array> {
    return { [Symbol.asyncIterator]: () => this.#iterator() };
  }

  /** The whole body as UTF-8 text. */
  text(): Promise<string> {
    if (this.#used) return Promise.reject(alreadyUsed());
    this.#used = true;
    return this.#source.text();
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
    const { provider, model } = this.#ctx;
    this.#source.cancel(
      reason ??
        new AbortedError('response body cancelled', { provider, model, requestId: this.requestId }),
    );
  }

  /**
   * A plain iterator over the handler's chunks rather than an async generator: one promise per
   * chunk and no generator state. Leaving early (break, a throw in the loop body) cancels, which
   * closes the connection instead of pooling it half-read.
   */
  #iterator(): AsyncIterator<Uint8Array, undefined> {
    if (this.#used) {
      return { next: () => Promise.reject(alreadyUsed()) };
    }
    this.#used = true;
    const source = this.#source;
    const step = (chunk: Buffer | undefined): IteratorResult<Uint8Array, undefined> =>
      chunk === undefined ? DONE : { done: false, value: chunk };
    return {
      next: () => source.read().then(step),
      return: () => {
        if (!source.ended) this.cancel();
        return Promise.resolve(DONE);
      },
    };
  }
}

function alreadyUsed(): TypeError {
  return new TypeError('the upstream response body was already read or cancelled');
}
