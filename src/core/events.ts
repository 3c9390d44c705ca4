/**
 * A typed event with no dependencies, in the shape of cockatiel's: `event(listener)` subscribes
 * and returns a disposer. Emitting costs nothing when nobody listens, so parts can announce
 * every transition without paying for telemetry that is not there.
 */

export type Listener<T> = (value: T) => void;

export type Event<T> = (listener: Listener<T>) => { dispose(): void };

export class EventEmitter<T> {
  #listeners: Listener<T>[] = [];

  /** Subscribe with `emitter.event(listener)`. */
  readonly event: Event<T> = (listener) => {
    this.#listeners = [...this.#listeners, listener];
    return {
      dispose: () => {
        this.#listeners = this.#listeners.filter((l) => l !== listener);
      },
    };
  };

  get hasListeners(): boolean {
    return this.#listeners.length > 0;
  }

  /** Calls every listener; a listener that throws cannot break the caller. */
  emit(value: T): void {
    for (const listener of this.#listeners) {
      try {
        listener(value);
      } catch {
        // Telemetry must never change the outcome of a request.
      }
    }
  }
}
