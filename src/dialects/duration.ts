/**
 * Go-style duration strings, the format of OpenAI's `x-ratelimit-reset-*` headers (`1s`, `6m0s`,
 * `20ms`) and of OpenAI-compatible providers that send fractions (`2m59.56s`, `7.66s`).
 */

const NS_PER_UNIT: Readonly<Record<string, number>> = Object.freeze({
  ns: 1,
  us: 1e3,
  µs: 1e3, // U+00B5 micro sign, what Go prints
  μs: 1e3, // U+03BC Greek mu, which Go also accepts
  ms: 1e6,
  s: 1e9,
  m: 60e9,
  h: 3600e9,
});

// One `<number><unit>` term: digits with an optional fraction (`1.5`, `1.`, `.5`), then a unit.
// `ms` is tried before `m` and `s` so `20ms` is not read as 20 minutes and a stray `s`.
const TERM = /(\d*)(?:\.(\d*))?(ns|us|µs|μs|ms|s|m|h)/y;

/** Fractions beyond nanosecond precision of an hour add nothing a rate limiter can use. */
const MAX_FRACTION_DIGITS = 12;

/**
 * Parses a Go duration (`time.ParseDuration` syntax) into milliseconds, possibly fractional
 * (`500us` is 0.5). Accepts an optional sign, one or more `<number><unit>` terms with units `h`,
 * `m`, `s`, `ms`, `us`/`µs`, `ns`, and the bare `0`. Returns `undefined` for anything else,
 * including an empty string, a number without a unit, or trailing garbage.
 */
export function parseDurationMs(input: string): number | undefined {
  let text = input.trim();
  let sign = 1;
  if (text.startsWith('-') || text.startsWith('+')) {
    if (text.startsWith('-')) sign = -1;
    text = text.slice(1);
  }
  if (text === '0') return 0;
  if (text === '') return undefined;
  // Summed in nanoseconds: integer arithmetic stays exact where float milliseconds would not
  // (59.56 * 1000 is 59560.000000000004).
  let totalNs = 0;
  TERM.lastIndex = 0;
  while (TERM.lastIndex < text.length) {
    const match = TERM.exec(text);
    if (!match) return undefined;
    const whole = match[1] ?? '';
    const fraction = (match[2] ?? '').slice(0, MAX_FRACTION_DIGITS);
    if (whole === '' && fraction === '') return undefined;
    const unitNs = NS_PER_UNIT[match[3] ?? ''];
    if (unitNs === undefined) return undefined;
    totalNs += Number(whole || '0') * unitNs;
    if (fraction !== '') totalNs += (Number(fraction) * unitNs) / 10 ** fraction.length;
  }
  if (!Number.isFinite(totalNs)) return undefined;
  return (sign * totalNs) / 1e6;
}
