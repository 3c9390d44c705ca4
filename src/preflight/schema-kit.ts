/**
 * The building blocks of the request schemas, each carrying the phrase a person reads when it is
 * broken ("an integer of at least 0", "a string or a list of content parts"): zod puts that
 * phrase in the issue, and zod-issues.ts words the whole message around it with the path and what
 * was sent. Objects are loose: a field the schema does not name passes through untouched, since
 * the providers add fields faster than any schema could follow.
 *
 * `nullable`: OpenAI reads `null` as "not given", so its optional fields accept it; Anthropic's
 * API has no nulls, so there a `null` is a mistake with its own message ("leave it out").
 */
import { z } from 'zod';

export type Nulls = 'null-is-absent' | 'no-nulls';

/** A schema for an optional field under the dialect's rule for `null`. */
export function optional<T extends z.ZodType>(schema: T, nulls: Nulls) {
  return nulls === 'null-is-absent' ? schema.nullish() : schema.optional();
}

export const str = (phrase = 'a string') => z.string({ error: phrase });

export const int = (min: number) => {
  const phrase = `an integer of at least ${min}`;
  return z.int({ error: phrase }).min(min, { error: phrase });
};

export const num = () => z.number({ error: 'a number' });

export const bool = () => z.boolean({ error: 'true or false' });

/** Any JSON object; its fields are not looked at. */
export const obj = (phrase = 'an object') => z.looseObject({}, { error: phrase });

export const list = <T extends z.ZodType>(item: T, phrase = 'a list') =>
  z.array(item, { error: phrase });

/** A list with at least one item; `empty` is the whole message when it has none. */
export const nonEmptyList = <T extends z.ZodType>(item: T, phrase: string, empty: string) =>
  z.array(item, { error: phrase }).min(1, { error: empty });

export const stringOrList = () =>
  z.union([z.string(), z.array(z.string())], { error: 'a string or a list of strings' });

export const stringOrObject = () =>
  z.union([z.string(), z.looseObject({})], { error: 'a string or an object' });

/** The marker zod-issues.ts reads: the issue's message is the rest of a sentence after the path. */
export const AFTER_PATH = '\u0000';

/** A refinement's message, read after the quoted path: `after('must hold at least one message')`. */
export function after(rest: string): string {
  return `${AFTER_PATH}${rest}`;
}

/** What to write when a required field is missing. */
const REQUIRED_HINTS: Readonly<Record<string, string>> = {
  model: 'name a route or a provider/model target (GET /v1/models lists them)',
  messages: 'a list of messages, e.g. [{"role":"user","content":"Hello"}]',
  role: 'who speaks, e.g. "user" or "assistant"',
  content: 'the message text, or a list of content parts',
  tool_call_id: 'the id of the tool call this message answers',
  tool_use_id: 'the id of the tool_use block this result answers',
  type: 'the part or block type, e.g. "text"',
};

/** `is required: <what to write>` for the field `name`. */
export function isRequired(name: string): string {
  const hint = REQUIRED_HINTS[name];
  return `is required${hint ? `: ${hint}` : ''}`;
}
