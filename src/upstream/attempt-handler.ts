/**
 * One attempt's undici dispatch handler: it follows the caller's signal and the deadline, hands
 * over the response head once it arrives, and then queues the body for whoever reads it — all at
 * once (`text`), chunk by chunk (`read`), or up to a bound (`readBounded`, for error bodies).
 *
 * Written here rather than using undici's `request()`, which wraps every call in an
 * AsyncResource, a Readable stream for the body, an abort listener of its own, and (for the
 * caller's signal and the deadline to reach it) an AbortController linking the two and a promise
 * racing them. That machinery was a sizeable share of what a call cost in undici (figures:
 * docs/gateway.md, "Why these parts are written by hand").
 *
 * The rules it keeps:
 * - Whichever fires first of the caller's signal, the deadline and the owner's cancellation (a
 *   hedge race's) decides the error, whatever undici reports after it (a destroyed socket, a
 *   reset): the deadline's `TimeoutError` gives `deadline_exceeded`, the caller's reason
 *   `aborted` (see `toAbortError`); when several had fired before the call, the caller's wins.
 *   An abort is answered at once in every phase, also while the request still waits for a
 *   connection (undici only learns of it once the request is handed one, and then drops it
 *   unsent). The deadline is followed through `Deadline.onExpire`, a listener in a list, rather
 *   than its AbortSignal, and the owner's `Cancellation` (core/cancellation.ts) likewise.
 * - Any other failure goes through `classifyNetworkError`, which reads undici's codes: they name
 *   the timer that fired, connect, first byte (`headersTimeout`) or idle (`bodyTimeout`).
 * - Backpressure: past 64 KiB of unread body the connection is paused; undici's idle timer does
 *   not run while it is paused, so a slow reader is never mistaken for a silent upstream.
 * - Any way an attempt ends early — an abort, `cancel()`, a bounded read that stops short —
 *   aborts undici's request, which destroys the socket rather than returning it half-read.
 * - The signal listeners are removed as soon as the attempt is over: body read to its end,
 *   failed, or cancelled.
 */
import type { Dispatcher } from 'undici';
import type { Cancellable, Cancellation } from '../core/cancellation.ts';
import type { Clock } from '../core/clock.ts';
import type { Deadline } from '../core/deadline.ts';
import { toAbortError } from '../core/signals.ts';
import type { HeaderRecord } from '../dialects/headers.ts';
import { parseRequestId } from '../dialects/retry-headers.ts';
import { classifyNetworkError, type NetworkErrorContext } from '../errors/index.ts';

type Controller = Dispatcher.DispatchController;

/** Unread body past which the connection is paused (a Readable's default high-water mark). */
export const BODY_HIGH_WATER_BYTES = 64 * 1024;

/** The response head: status, headers as undici parsed them, and when they came. */
export interface ResponseHead {
  status: number;
  headers: HeaderRecord;
  /** `clock.now()` when the head arrived. */
  at: number;
}

/** An error body read up to a bound. */
export interface BoundedBody {
  text: string;
  /** The body was longer than the bound and was cut (its connection destroyed). */
  truncated: boolean;
  /**
   * The abort or cancellation that stopped the read, if one did. A network failure part way is
   * not reported: the status decides, with whatever body arrived.
   */
  aborted?: Error;
}

type State = 'head' | 'body' | 'ended' | 'failed';

export class AttemptHandler implements Dispatcher.DispatchHandler, Cancellable {
  /** `clock.now()` when the request was handed a connection; undefined until then. */
  writtenAt: number | undefined;
  /** `x-request-id` (OpenAI) or `request-id` (Anthropic), once the head has arrived. */
  requestId: string | undefined;
  readonly head: Promise<ResponseHead>;
  readonly #clock: Clock;
  readonly #ctx: NetworkErrorContext;
  /** The caller's signal, followed until the attempt is over. */
  #signal: AbortSignal | undefined;
  #onAbort: (() => void) | undefined;
  /** The owner's cancellation (a hedge race's), followed until the attempt is over. */
  #cancellation: Cancellation | undefined;
  #stopDeadline: (() => void) | undefined;
  #controller: Controller | undefined;
  #state: State = 'head';
  #failure: Error | undefined;
  /** The caller's signal, the deadline or `cancel()` ended the attempt. */
  #stopped = false;
  #resolveHead!: (head: ResponseHead) => void;
  #rejectHead!: (error: Error) => void;
  readonly #chunks: Buffer[] = [];
  #queued = 0;
  #paused = false;
  /** Reading everything: never pause. */
  #drain = false;
  /** For a bounded read: the most bytes kept. */
  #bound = Number.POSITIVE_INFINITY;
  #truncated = false;
  /** The one pending reader, told of every change. */
  #wake: (() => void) | undefined;

  /**
   * Follows the caller's `signal`, the request's `deadline` and the owner's `cancellation` until
   * the attempt is over. When more than one has already fired, the caller's wins, then the
   * deadline.
   */
  constructor(
    clock: Clock,
    ctx: NetworkErrorContext,
    signal?: AbortSignal | null,
    deadline?: Deadline,
    cancellation?: Cancellation,
  ) {
    this.#clock = clock;
    this.#ctx = ctx;
    this.head = new Promise<ResponseHead>((resolve, reject) => {
      this.#resolveHead = resolve;
      this.#rejectHead = reject;
    });
    if (signal?.aborted) {
      this.#aborted(signal.reason);
      return;
    }
    if (deadline?.expired) {
      this.#aborted(deadline.error);
      return;
    }
    if (cancellation?.reason) {
      this.#aborted(cancellation.reason);
      return;
    }
    if (signal) {
      this.#signal = signal;
      this.#onAbort = () => this.#aborted(signal.reason);
      signal.addEventListener('abort', this.#onAbort);
    }
    if (deadline) this.#stopDeadline = deadline.onExpire(() => this.#aborted(deadline.error));
    if (cancellation) {
      this.#cancellation = cancellation;
      cancellation.follow(this);
    }
  }

  /** The owner's cancellation fired: as an abort, its reason is the error. */
  cancelled(reason: Error): void {
    this.#aborted(reason);
  }

  /** The error the attempt failed with, once it has failed. */
  get failure(): Error | undefined {
    return this.#failure;
  }

  /** Whether the body has been read to its end (or to a bounded read's bound). */
  get ended(): boolean {
    return this.#state === 'ended';
  }

  // --- undici's side ---

  onRequestStart(controller: Controller): void {
    this.#controller = controller;
    const failure = this.#failure;
    if (failure !== undefined) {
      controller.abort(failure);
      return;
    }
    this.writtenAt = this.#clock.now();
  }

  onResponseStart(_controller: Controller, status: number, headers: HeaderRecord): void {
    if (status < 200 || this.#state !== 'head') return; // 1xx: the real answer follows
    this.#state = 'body';
    this.requestId = parseRequestId(headers);
    this.#resolveHead({ status, headers, at: this.#clock.now() });
  }

  onResponseData(controller: Controller, chunk: Buffer): void {
    if (this.#state !== 'body') return;
    this.#chunks.push(chunk);
    this.#queued += chunk.length;
    if (this.#queued > this.#bound) {
      this.#cut();
      return;
    }
    if (!this.#drain && this.#queued >= BODY_HIGH_WATER_BYTES && !this.#paused) {
      this.#paused = true;
      controller.pause();
    }
    this.#wake?.();
  }

  onResponseEnd(): void {
    if (this.#state !== 'body') return;
    this.#state = 'ended';
    this.#unlink();
    this.#wake?.();
  }

  onResponseError(_controller: Controller | null, err: Error): void {
    if (this.#state === 'ended' || this.#state === 'failed') return;
    this.#fail(classifyNetworkError(err, this.#errorCtx()));
  }

  // --- the reader's side ---

  /** The whole body as UTF-8 text; rejects with the attempt's classified error. */
  text(): Promise<string> {
    this.#drain = true;
    this.#resume();
    return new Promise<string>((resolve, reject) => {
      const check = () => {
        if (this.#state === 'failed') {
          this.#wake = undefined;
          reject(this.#failure);
        } else if (this.#state === 'ended') {
          this.#wake = undefined;
          resolve(this.#concat().toString('utf8'));
        }
      };
      this.#wake = check;
      check();
    });
  }

  /** The next chunk of the body, or undefined at its end; rejects once the attempt failed. */
  read(): Promise<Buffer | undefined> {
    if (this.#chunks.length > 0) return Promise.resolve(this.#take());
    if (this.#state === 'ended') return Promise.resolve(undefined);
    if (this.#state === 'failed') return Promise.reject(this.#failure);
    return new Promise<Buffer | undefined>((resolve, reject) => {
      this.#wake = () => {
        if (this.#chunks.length === 0 && this.#state === 'body') return;
        // Unset before taking: taking may resume the connection, which can deliver the next
        // chunk at once, re-entering onResponseData; that chunk must wait for the next read.
        this.#wake = undefined;
        if (this.#chunks.length > 0) resolve(this.#take());
        else if (this.#state === 'ended') resolve(undefined);
        else reject(this.#failure);
      };
    });
  }

  /**
   * At most `maxBytes` of the body as UTF-8; past that the connection is destroyed rather than
   * drained. A failure part way is returned with whatever arrived, not thrown.
   */
  readBounded(maxBytes: number): Promise<BoundedBody> {
    this.#bound = maxBytes;
    this.#drain = true;
    if (this.#state === 'body' && this.#queued > maxBytes) this.#cut();
    this.#resume();
    return new Promise<BoundedBody>((resolve) => {
      const check = () => {
        if (this.#state === 'body') return;
        this.#wake = undefined;
        const text = this.#concat().toString('utf8');
        const aborted = this.#stopped ? this.#failure : undefined;
        resolve(
          aborted ? { text, truncated: false, aborted } : { text, truncated: this.#truncated },
        );
      };
      this.#wake = check;
      check();
    });
  }

  /** Ends the attempt with `reason`: a pending read rejects with it. Safe at any time. */
  cancel(reason: Error): void {
    if (this.#state === 'ended' || this.#state === 'failed') return;
    this.#stopped = true;
    this.#fail(reason);
  }

  // --- inside ---

  /** The caller's signal or the deadline fired: its reason is the error (see `toAbortError`). */
  #aborted(reason: unknown): void {
    if (this.#state === 'ended' || this.#state === 'failed') return;
    this.#stopped = true;
    const { provider, model } = this.#ctx;
    this.#fail(toAbortError(reason, { provider, model, requestId: this.requestId }));
  }

  #fail(error: Error): void {
    const wasHead = this.#state === 'head';
    this.#state = 'failed';
    this.#failure = error;
    this.#unlink();
    // Destroys the socket (or drops the request unsent when it is still queued); undici's
    // onResponseError that follows finds the attempt over and changes nothing.
    this.#controller?.abort(error);
    if (wasHead) this.#rejectHead(error);
    this.#wake?.();
  }

  /** A bounded read went past its bound: keep the bound's worth and drop the connection. */
  #cut(): void {
    // Chunks that came before the read began may all lie past the bound, not only the last.
    const chunks = this.#chunks;
    let excess = this.#queued - this.#bound;
    while (excess > 0) {
      const last = chunks.pop()!;
      if (last.length > excess) chunks.push(last.subarray(0, last.length - excess));
      excess -= last.length;
    }
    this.#queued = this.#bound;
    this.#truncated = true;
    this.#state = 'ended';
    this.#unlink();
    this.#controller?.abort(new Error('error body longer than its bound'));
    this.#wake?.();
  }

  #take(): Buffer {
    const chunk = this.#chunks.shift()!;
    this.#queued -= chunk.length;
    if (this.#paused && this.#queued < BODY_HIGH_WATER_BYTES) this.#resume();
    return chunk;
  }

  #resume(): void {
    if (!this.#paused) return;
    this.#paused = false;
    // May deliver buffered data at once, re-entering onResponseData.
    this.#controller?.resume();
  }

  #concat(): Buffer {
    const chunks = this.#chunks;
    const whole = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, this.#queued);
    chunks.length = 0;
    this.#queued = 0;
    return whole;
  }

  #unlink(): void {
    if (this.#onAbort) this.#signal?.removeEventListener('abort', this.#onAbort);
    this.#signal = undefined;
    this.#onAbort = undefined;
    this.#cancellation?.unfollow(this);
    this.#cancellation = undefined;
    this.#stopDeadline?.();
    this.#stopDeadline = undefined;
  }

  /** The call's context, with the answer's request id once there is one. */
  #errorCtx(): NetworkErrorContext {
    const requestId = this.requestId;
    return requestId === undefined ? this.#ctx : { ...this.#ctx, requestId };
  }
}
