/**
 * Typed `node:diagnostics_channel` channels, the way undici publishes `undici:request:*`: any
 * tool can subscribe by name, and a channel nobody subscribes to costs one boolean check —
 * callers test `hasSubscribers` before they build a message. A channel is process-wide: two
 * engines in one process publish on the same channels, so messages say where they came from.
 */
import { channel, subscribe, unsubscribe } from 'node:diagnostics_channel';

export interface TypedChannel<T> {
  readonly name: string | symbol;
  /** Whether anyone listens: build a message only when this is true. */
  readonly hasSubscribers: boolean;
  publish(message: T): void;
}

export function typedChannel<T>(name: string): TypedChannel<T> {
  return channel(name) as unknown as TypedChannel<T>;
}

/** Subscribes `listener` to `ch`; the returned function unsubscribes it. */
export function listen<T>(ch: TypedChannel<T>, listener: (message: T) => void): () => void {
  const onMessage = (message: unknown) => listener(message as T);
  subscribe(ch.name, onMessage);
  return () => void unsubscribe(ch.name, onMessage);
}
