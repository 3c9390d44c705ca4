/**
 * The commit point of a stream. Until the first piece of content reaches the caller, a failed
 * stream can be retried or fall back unseen; after it, it cannot. `openStream` reads an upstream
 * event stream up to and including its first content event (text, a tool call, thinking —
 * not pings or role-only preambles), so the engine knows the attempt has really started
 * producing before it commits. The events read so far are handed on with the rest of the stream,
 * so nothing is lost and nothing is read twice.
 */
import { classifyNetworkError, type ErrorContext } from '../errors/index.ts';

export interface OpenedStream<E> {
  /** Events read before and including the first content event, in order. */
  head: E[];
  /** The rest of the stream; already finished when `done` is true. */
  rest: AsyncIterator<E>;
  /** The whole stream fitted in `head` (it ended before or right at its first content). */
  done: boolean;
}

export async function openStream<E>(
  events: AsyncIterable<E>,
  isContent: (event: E) => boolean,
  ctx?: ErrorContext,
): Promise<OpenedStream<E>> {
  const iterator = events[Symbol.asyncIterator]();
  const head: E[] = [];
  try {
    for (;;) {
      const next = await iterator.next();
      if (next.done) return { head, rest: iterator, done: true };
      head.push(next.value);
      if (isContent(next.value)) return { head, rest: iterator, done: false };
    }
  } catch (err) {
    await iterator.return?.().catch(() => undefined);
    throw classifyNetworkError(err, ctx);
  }
}
