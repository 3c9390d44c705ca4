/**
 * The upstream key values this process holds — every configured provider key and every key a
 * key function returned — and `scrubSecretValues(text)`, which takes them out of text that is
 * about to leave the process: an error answer, a stream's error event, a log line. Patterns
 * (`sk-…`, `Bearer …`) miss a key of no known shape; the values themselves do not.
 *
 * Process-wide on purpose, as a CI runner's masked values are: a key is a secret wherever it
 * shows, and the places that write text out (dialects/render-error.ts, the dialects' error
 * frames, the logger's line writer) cannot each be handed the list. Values are only ever added.
 *
 * What counts as a key showing, for a key of at least `MIN_SECRET_LENGTH` characters:
 * - the key itself, anywhere in the text;
 * - a word (a run of characters other than space, quotes, brackets and separators) holding the
 *   key's first eight characters — the key cut short;
 * - a word with a run of mask characters (`**`, `••`, `...`, `…`) that starts with the key's
 *   first two or more characters or ends with its last two or more — the key as providers echo
 *   it, masked in the middle ("Incorrect API key provided: PLAINKEY**********hhhh").
 * Such a word is replaced whole by `[redacted]`. Shorter keys would match ordinary words and are
 * not tracked (docs/gateway.md says so).
 */

const MIN_SECRET_LENGTH = 8;
/** A key function may rotate forever; the oldest values beyond this many are forgotten. */
const MAX_VALUES = 1024;
const HEAD_LENGTH = 8;
const CENSOR = '[redacted]';

/** Words, as far as a secret can reach: no white space, quotes, brackets, separators. */
const WORD = /[^\s"'`<>()[\]{},;\\]+/g;
const MASK_RUN = /[*•]{2,}|\.{3,}|…/;
const MASK_RUNS = /[*•]{2,}|\.{3,}|…+/g;

const values = new Set<string>();
/** Each value's first eight characters (the whole value when it is that short). */
let heads: string[] = [];

/** Remembers `value` as a secret (trimmed; ignored when shorter than `MIN_SECRET_LENGTH`). */
export function addSecretValue(value: string): void {
  const key = value.trim();
  if (key.length < MIN_SECRET_LENGTH || values.has(key)) return;
  values.add(key);
  // JSON text writes some characters escaped; a key holding one shows in that form too.
  const escaped = JSON.stringify(key).slice(1, -1);
  if (escaped !== key) values.add(escaped);
  while (values.size > MAX_VALUES) values.delete(values.values().next().value as string);
  heads = [...values].map((v) => v.slice(0, HEAD_LENGTH));
}

/** Whether `text` may hold a secret value in any of the shapes above; allocates nothing. */
function mayHoldSecret(text: string): boolean {
  for (const head of heads) if (text.includes(head)) return true;
  return values.size > 0 && MASK_RUN.test(text);
}

function isSecretWord(word: string): boolean {
  for (const head of heads) if (word.includes(head)) return true;
  let lead: string | undefined;
  let after = 0;
  for (const run of word.matchAll(MASK_RUNS)) {
    lead ??= word.slice(0, run.index);
    after = run.index + run[0].length;
  }
  if (lead === undefined) return false;
  const tail = word.slice(after).replace(/[.,:;!?]+$/, '');
  for (const value of values) {
    if (lead.length >= 2 && value.startsWith(lead)) return true;
    if (tail.length >= 2 && value.endsWith(tail)) return true;
  }
  return false;
}

/**
 * `text` without any secret value in any of the shapes above; `text` itself (no copy) when it
 * holds none, which is what nearly every log line costs: a few `includes` and one regex test.
 */
export function scrubSecretValues(text: string): string {
  if (!mayHoldSecret(text)) return text;
  let out = text;
  for (const value of values) if (out.includes(value)) out = out.split(value).join(CENSOR);
  return out.replace(WORD, (word) => (isSecretWord(word) ? CENSOR : word));
}

/** Every string in a JSON-like value scrubbed; the value itself when nothing changed. */
export function scrubSecretValuesDeep<T>(value: T, depth = 0): T {
  if (typeof value === 'string') return scrubSecretValues(value) as T;
  if (typeof value !== 'object' || value === null || depth > 8 || values.size === 0) return value;
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    value.forEach((item, i) => {
      const next = scrubSecretValuesDeep(item, depth + 1);
      if (next === item) return;
      out ??= value.slice();
      out[i] = next;
    });
    return (out ?? value) as T;
  }
  let out: Record<string, unknown> | undefined;
  for (const [name, item] of Object.entries(value as Record<string, unknown>)) {
    const next = scrubSecretValuesDeep(item, depth + 1);
    if (next === item) continue;
    out ??= { ...(value as Record<string, unknown>) };
    out[name] = next;
  }
  return (out ?? value) as T;
}
