/**
 * Knowing when an attempt got its socket. undici's `request()` hides the moment a queued request
 * is handed a connection (`onRequestStart`), which splits an attempt's latency into "getting a
 * connection" (pool wait + dial + TLS; near zero on a reused keep-alive socket) and "waiting for
 * the first byte". This interceptor, composed onto each pool once, calls the hook a request
 * carries under `kOnRequestStart` and otherwise forwards the handler untouched.
 */
import type { Dispatcher } from 'undici';

export const kOnRequestStart: unique symbol = Symbol('breakwater.onRequestStart');

/** Dispatch options that may carry the hook. */
export interface RequestStartOptions {
  [kOnRequestStart]?: () => void;
}

type Handler = Dispatcher.DispatchHandler;
type Controller = Dispatcher.DispatchController;

class RequestStartHandler implements Handler {
  readonly #inner: Handler;
  #hook: (() => void) | undefined;

  constructor(inner: Handler, hook: () => void) {
    this.#inner = inner;
    this.#hook = hook;
  }

  onRequestStart(controller: Controller, context: unknown): void {
    const hook = this.#hook;
    this.#hook = undefined;
    hook?.();
    this.#inner.onRequestStart?.(controller, context);
  }

  onRequestUpgrade(...args: Parameters<NonNullable<Handler['onRequestUpgrade']>>): void {
    this.#inner.onRequestUpgrade?.(...args);
  }

  onResponseStarted(): void {
    this.#inner.onResponseStarted?.();
  }

  onResponseStart(...args: Parameters<NonNullable<Handler['onResponseStart']>>): void {
    this.#inner.onResponseStart?.(...args);
  }

  onResponseData(...args: Parameters<NonNullable<Handler['onResponseData']>>): void {
    this.#inner.onResponseData?.(...args);
  }

  onResponseEnd(...args: Parameters<NonNullable<Handler['onResponseEnd']>>): void {
    this.#inner.onResponseEnd?.(...args);
  }

  onResponseError(...args: Parameters<NonNullable<Handler['onResponseError']>>): void {
    this.#inner.onResponseError?.(...args);
  }

  onBodySent(chunk: Buffer): void {
    this.#inner.onBodySent?.(chunk);
  }

  onRequestSent(): void {
    this.#inner.onRequestSent?.();
  }
}

/** The interceptor: wraps the handler only for requests that carry a hook. */
export const requestStartInterceptor: Dispatcher.DispatcherComposeInterceptor =
  (dispatch) => (opts, handler) => {
    const hook = (opts as RequestStartOptions)[kOnRequestStart];
    return dispatch(opts, hook ? new RequestStartHandler(handler, hook) : handler);
  };
