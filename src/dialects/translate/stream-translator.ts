/**
 * The shape of a stream translator: parsed events of one dialect in, events of the other out.
 * `push` takes each source event in order and returns what to send for it (often nothing, often
 * one event, sometimes several); `end` is called once when the source ended cleanly and flushes
 * what was waiting. `complete` tells whether the translated stream reached its proper end; when
 * the source stops short it stays false, and the caller ends the client's stream with an error
 * event instead of a terminator.
 */
import type { Usage } from '../usage.ts';

export interface StreamTranslator<In, Out> {
  push(event: In): Out[];
  end(): Out[];
  /** The translated stream has its final event (`message_stop` / the usage-bearing finish). */
  readonly complete: boolean;
  /** The usage reported so far, normalized; zeros until the source reports it. */
  readonly usage: Usage;
}
