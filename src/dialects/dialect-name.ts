/**
 * The names of the two wire dialects breakwater speaks, and the context dialect code passes on to
 * the errors it raises (which provider and model a failing stream or body came from).
 */

/** A wire format: OpenAI Chat Completions or Anthropic Messages. */
export type DialectName = 'openai' | 'anthropic';

/** Where a response came from, carried into the errors raised while reading it. */
export interface DialectContext {
  /** The provider name from the config (e.g. `openai`, `anthropic`, `groq`). */
  provider?: string;
  model?: string;
}
