/**
 * What one request costs against each rate-limit dimension, the way the providers count it
 * (provider-wire.md §6), reserved before it is sent:
 *
 * - `requests`: 1.
 * - `input` (Anthropic ITPM): the prompt estimate. Only uncached input counts at Anthropic, but
 *   what the cache will serve is unknown before the answer, so the whole prompt is reserved and
 *   the difference refunded.
 * - `output` (Anthropic OTPM): `max_tokens`, reconciled to the tokens actually generated.
 * - `tokens` (OpenAI TPM; Anthropic's combined limit): prompt estimate + `max_tokens`, "the
 *   maximum of max_tokens and the estimated number of tokens" — OpenAI counts max_tokens, not
 *   what is generated. When both `max_tokens` and `max_completion_tokens` are set the larger is
 *   reserved (the provider enforces one of them, and a small one must not game the limit); `n`
 *   choices multiply the output. Without any maximum, `assumedOutputTokens` stands in.
 */
import type { DialectName } from '../dialects/dialect-name.ts';

export type Dimension = 'requests' | 'tokens' | 'input' | 'output';
export const DIMENSIONS: readonly Dimension[] = ['requests', 'tokens', 'input', 'output'];

export type Cost = Record<Dimension, number>;

export const ZERO_COST: Readonly<Cost> = Object.freeze({
  requests: 0,
  tokens: 0,
  input: 0,
  output: 0,
});

const positiveInteger = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isFinite(value) && value >= 0 ? Math.ceil(value) : undefined;

/**
 * The output the request may generate: the larger of its explicit maximums times `n`, or
 * `undefined` when it set none.
 */
export function requestedMaxOutput(
  dialect: DialectName,
  request: Record<string, unknown>,
): number | undefined {
  const caps =
    dialect === 'openai'
      ? [positiveInteger(request.max_completion_tokens), positiveInteger(request.max_tokens)]
      : [positiveInteger(request.max_tokens)];
  const given = caps.filter((c): c is number => c !== undefined);
  if (given.length === 0) return undefined;
  const n = dialect === 'openai' ? (positiveInteger(request.n) ?? 1) : 1;
  return Math.max(...given) * Math.max(1, n);
}

export interface Reservation {
  cost: Cost;
  /** The prompt tokens reserved (calibrated estimate). */
  promptTokens: number;
  /** The output reserved. */
  outputTokens: number;
  /** Whether the request set its own maximum (else `assumedOutputTokens` was used). */
  explicitMax: boolean;
}

export function reserve(
  dialect: DialectName,
  request: Record<string, unknown>,
  promptTokens: number,
  assumedOutputTokens: number,
): Reservation {
  const max = requestedMaxOutput(dialect, request);
  const outputTokens = max ?? assumedOutputTokens;
  return {
    cost: {
      requests: 1,
      tokens: promptTokens + outputTokens,
      input: promptTokens,
      output: outputTokens,
    },
    promptTokens,
    outputTokens,
    explicitMax: max !== undefined,
  };
}

export function addCost(a: Cost, b: Cost): Cost {
  return {
    requests: a.requests + b.requests,
    tokens: a.tokens + b.tokens,
    input: a.input + b.input,
    output: a.output + b.output,
  };
}
